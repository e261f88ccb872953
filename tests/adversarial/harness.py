"""The hostile-input harness: case manifests, a bounded worker pool, the invariants.

Cases live in `cases/*.yaml`, one manifest per input kind (see README.md in
this folder). `load_cases()` expands them, `materialise()` writes a case's
files into a fresh directory, `Pool.run()` runs one argv through
`engine.cli.main` in a long-lived worker process under a time bound (the
worker is killed and restarted when a case overruns) and a memory bound
(RLIMIT_AS in the worker), and `problems()` lists every way a result breaks
the case's expectation or a global invariant.
"""

from __future__ import annotations

import copy
import json
import os
import random
import re
import select
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CASES_DIR = HERE / "cases"

# Canaries: the worker starts with these in its real environment (so they are in
# /proc/self/environ too). No output of any case may ever contain one.
CANARY_TOKEN = "ghp_CanaryTok3n0AdversarialHarness0042"
CANARY_ENV = {
    "GITHUB_TOKEN": CANARY_TOKEN,
    "COSTWARDEN_ADVERSARIAL_CANARY": "envcanary-7f3a9c2e51",
    "AWS_SECRET_ACCESS_KEY": "awscanary-9d1e0b77c3",
}
GLOBAL_FORBIDDEN = tuple(CANARY_ENV.values())

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
DEFAULT_TIMEOUT = float(os.environ.get("ADVERSARIAL_TIMEOUT", "20"))
DEFAULT_MEM_MB = int(os.environ.get("ADVERSARIAL_MEM_MB", "1536"))

TOKENS = ("@DIR@", "@REPO@", "@TOKEN@")


# ---------------------------------------------------------------- cases

@dataclass
class Case:
    id: str
    kind: str
    category: str
    steps: list[dict[str, Any]]
    files: dict[str, Any]
    github: dict[str, Any] | None = None
    env: dict[str, Any] = field(default_factory=dict)
    robust: bool = False  # the fragment is a robust one: another change writes the message
    why: str = ""


def _subst(value: Any, mapping: dict[str, str]) -> Any:
    if isinstance(value, str):
        for k, v in mapping.items():
            value = value.replace(k, v)
        return value
    if isinstance(value, list):
        return [_subst(v, mapping) for v in value]
    if isinstance(value, dict):
        return {_subst(k, mapping): _subst(v, mapping) for k, v in value.items()}
    return value


_STEP_KEYS = {"argv", "exit", "expect", "stream", "forbid", "one_line", "timeout", "same_as",
              "tamper", "outputs", "max_requests", "no_post", "expect_requests", "env"}


def _expand(raw: dict[str, Any], kind: str) -> Iterable[Case]:
    variants = raw.get("matrix") or [None]
    for var in variants:
        item = dict(raw)
        item.pop("matrix", None)
        cid = item["id"]
        if var is not None:
            mapping = {f"@{k.upper()}@": str(v) for k, v in var.items() if k != "id"}
            # keep typed values where a whole string is one placeholder
            typed = {f"@{k.upper()}@": v for k, v in var.items() if k != "id"}
            item = _typed_subst(item, typed, mapping)
            cid = f"{cid}-{var['id']}"
            for key in ("env", "exit", "expect", "forbid", "category"):
                if key in var:
                    item[key] = var[key]
        steps = item.get("steps") or [{k: item[k] for k in _STEP_KEYS if k in item}]
        yield Case(id=cid, kind=item.get("kind", kind), category=item.get("category", kind), steps=steps,
                   files=item.get("files") or {}, github=item.get("github"),
                   env=item.get("env") or {}, robust=bool(item.get("robust")),
                   why=item.get("why", ""))


def _typed_subst(value: Any, typed: dict[str, Any], mapping: dict[str, str]) -> Any:
    if isinstance(value, str):
        if value in typed:
            return typed[value]
        return _subst(value, mapping)
    if isinstance(value, list):
        return [_typed_subst(v, typed, mapping) for v in value]
    if isinstance(value, dict):
        return {_subst(k, mapping): _typed_subst(v, typed, mapping) for k, v in value.items()}
    return value


def load_cases(directory: Path = CASES_DIR) -> list[Case]:
    cases: list[Case] = []
    for path in sorted(directory.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        kind = doc.get("kind", path.stem)
        for raw in doc["cases"]:
            cases.extend(_expand(raw, kind))
    ids = [c.id for c in cases]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise ValueError(f"duplicate case ids: {sorted(dupes)}")
    return cases


# ---------------------------------------------------------------- files

LAUGHS = "".join(
    f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * 9) if i else ', '.join(['lol'] * 9)}]\n"
    for i in range(10))


def _pointer_parts(pointer: str) -> list[str]:
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.strip("/").split("/")]


def _walk(doc: Any, parts: list[str]) -> tuple[Any, Any]:
    node = doc
    for p in parts[:-1]:
        node = node[int(p)] if isinstance(node, list) else node[p]
    last = parts[-1]
    return node, (int(last) if isinstance(node, list) else last)


def _json_file(spec: dict[str, Any], mapping: dict[str, str]) -> str:
    if "plan" in spec:
        doc = json.loads((REPO / spec["plan"]).read_text(encoding="utf-8"))
    else:
        doc = copy.deepcopy(spec.get("json"))
    raws: dict[str, str] = {}
    for i, (pointer, value) in enumerate((spec.get("set") or {}).items()):
        node, key = _walk(doc, _pointer_parts(pointer))
        if isinstance(value, dict) and set(value) == {"raw"}:
            marker = f"__RAW_{i}__"
            raws[json.dumps(marker)] = value["raw"]
            value = marker
        if isinstance(node, list) and key == len(node):
            node.append(value)
        else:
            node[key] = value
    for pointer in spec.get("delete") or []:
        node, key = _walk(doc, _pointer_parts(pointer))
        del node[key]
    text = json.dumps(doc, indent=None if spec.get("compact", True) else 1)
    for marker, raw in raws.items():
        text = text.replace(marker, raw)
    for old, new in (spec.get("replace") or {}).items():
        text = text.replace(old, new)
    return _subst(text, mapping)


def write_file(path: Path, spec: Any, mapping: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(spec, str):
        path.write_text(_subst(spec, mapping).replace("@LAUGHS@", LAUGHS), encoding="utf-8")
        return
    if "copy" in spec:
        src = REPO / spec["copy"]
        if src.is_dir():
            shutil.copytree(src, path, dirs_exist_ok=True)
        else:
            shutil.copyfile(src, path)
        return
    if "symlink" in spec:
        os.symlink(_subst(spec["symlink"], mapping), path)
        return
    if "sparse" in spec:
        with open(path, "wb") as fh:
            fh.truncate(int(spec["sparse"]))
        return
    if "binary" in spec:
        rng = random.Random(spec.get("seed", 0))
        path.write_bytes(bytes(rng.randrange(256) for _ in range(int(spec["binary"]))))
        return
    if "hex" in spec:
        path.write_bytes(bytes.fromhex(spec["hex"]))
        return
    if "depth" in spec:
        n = int(spec["depth"])
        text = (spec.get("prefix", "") + spec.get("open", "[") * n + spec.get("middle", "")
                + spec.get("close", "]") * n + spec.get("suffix", ""))
        path.write_text(_subst(text, mapping), encoding="utf-8")
        return
    if "repeat" in spec:
        text = (spec.get("prefix", "") + spec["text"] * int(spec["repeat"]) + spec.get("suffix", ""))
        path.write_text(_subst(text, mapping), encoding="utf-8")
        return
    if "plan" in spec or "json" in spec:
        path.write_text(_json_file(spec, mapping), encoding="utf-8")
        return
    raise ValueError(f"unknown file spec {spec!r}")


def token_map(case_dir: Path) -> dict[str, str]:
    return {"@DIR@": str(case_dir), "@REPO@": str(REPO), "@TOKEN@": CANARY_TOKEN}


def materialise(case: Case, case_dir: Path) -> dict[str, str]:
    if case_dir.exists():
        shutil.rmtree(case_dir)
    case_dir.mkdir(parents=True)
    mapping = token_map(case_dir)
    for name, spec in case.files.items():
        write_file(case_dir / name, spec, mapping)
    return mapping


def tamper(case_dir: Path, mode: str) -> int:
    """Rewrite the case's parse-cache entries (under @DIR@/.cache) into well-shaped lies.

    An entry is a header line (`costwarden-cache 2 <key> <checksum>`, engine/filecache.py)
    and a JSON payload: the payload is replaced, the header kept as it was, as a tool
    that edits the JSON without knowing the checksum would. The engine must ignore
    the entry and parse the file again."""
    count = 0
    kind = "hcl" if mode.startswith("hcl") else "yaml"
    for entry in sorted((case_dir / ".cache" / kind).rglob("*.json")):
        head, sep, payload = entry.read_text(encoding="utf-8").partition("\n")
        if not sep or not head.startswith("costwarden-cache "):
            raise ValueError(f"{entry}: not a cache entry (no costwarden-cache header)")
        data = json.loads(payload)
        if mode == "hcl-empty":
            data = {"attrs": {}, "blocks": []}
        elif mode == "hcl-shuffle":  # keep the shape, drop every block but the first
            data = {"attrs": data.get("attrs", {}), "blocks": (data.get("blocks") or [])[:1]}
        elif mode == "yaml-version-only":
            data = {"data": {"version": 1}, "lines": []}
        elif mode == "yaml-hours":
            text = json.dumps(data).replace('"run_hours": 72', '"run_hours": -72')
            data = json.loads(text)
            if isinstance(data.get("data"), dict):
                data["data"]["defaults"] = {"aws_autoscaling_group": {"hours_per_month": 1}}
        else:
            raise ValueError(mode)
        entry.write_text(head + "\n" + json.dumps(data), encoding="utf-8")
        count += 1
    return count


# ---------------------------------------------------------------- the worker pool

class Pool:
    """One long-lived worker process; a case that overruns its bound kills it."""

    def __init__(self, mem_mb: int = DEFAULT_MEM_MB, cache_dir: Path | None = None) -> None:
        self.mem_mb = mem_mb
        self.cache_dir = cache_dir
        self.proc: subprocess.Popen[str] | None = None
        self.restarts = 0

    def _start(self) -> None:
        env = dict(os.environ)
        env.update(CANARY_ENV)
        for k in ("GITHUB_ACTIONS", "GITHUB_API_URL", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"):
            env.pop(k, None)
        if self.cache_dir is not None:
            env["COSTWARDEN_CACHE_DIR"] = str(self.cache_dir)
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "worker.py"), "--mem-mb", str(self.mem_mb)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=REPO,
            bufsize=1)
        ready = self._read(60.0)
        if not ready or not ready.get("ready"):
            raise RuntimeError("adversarial worker did not start")

    def _read(self, timeout: float) -> dict[str, Any] | None:
        assert self.proc is not None and self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return None
        line = self.proc.stdout.readline()
        if not line:
            return {"died": True}
        return json.loads(line)

    def kill(self) -> None:
        if self.proc is not None:
            try:
                self.proc.kill()
            except ProcessLookupError:
                pass
            self.proc.wait()
            self.proc = None

    def close(self) -> None:
        if self.proc is not None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
            self.proc = None

    def run(self, argv: list[str], *, timeout: float = DEFAULT_TIMEOUT, cwd: str | None = None,
            env: dict[str, Any] | None = None, github: dict[str, Any] | None = None
            ) -> dict[str, Any]:
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        assert self.proc is not None and self.proc.stdin is not None
        req = {"argv": argv, "cwd": cwd, "env": env or {}, "github": github}
        start = time.perf_counter()
        try:
            self.proc.stdin.write(json.dumps(req) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            self.kill()
            return {"died": True, "seconds": 0.0}
        result = self._read(timeout)
        if result is None:
            self.kill()
            self.restarts += 1
            return {"hang": True, "seconds": time.perf_counter() - start, "timeout": timeout}
        if result.get("died"):
            code = self.proc.wait()
            self.proc = None
            self.restarts += 1
            result["signal"] = code
            result["seconds"] = time.perf_counter() - start
        return result


# ---------------------------------------------------------------- invariants

_MONEY_KEYS = {"before", "after", "delta", "hourly", "monthly", "unit_price", "quantity",
               "cost_per_run", "run_hours", "total", "amount", "share", "price", "cost",
               "allocated", "direct", "shared"}
# money rendered from a non-finite Decimal: "NaN.00", "$Infinity", "+NaN", "-Infinity/h"
# (a sign after a word character is text, not money: a tag value "CC-NaN")
_BAD_NUMBER_TEXT = re.compile(r"(?:\$-?|(?<!\w)[+\-\u2212]|\u2265)\s?(?:s?NaN|Infinity)|(?:s?NaN|Infinity)\.\d")
_WORKFLOW_OK = re.compile(r"^::(error|warning|notice)( [^\n]*)?::")


def _json_constants(text: str) -> tuple[Any, list[str]]:
    bad: list[str] = []

    def constant(name: str) -> float:
        bad.append(name)
        return float("nan")

    return json.loads(text, parse_constant=constant), bad


def money_problems(doc: Any, path: str = "$") -> list[str]:
    """Money and GPU figures in a JSON output: finite; only deltas may be negative."""
    out: list[str] = []

    def walk(node: Any, where: str, key: str, in_delta: bool, in_gpus: bool) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                k = str(k)
                walk(v, f"{where}.{k}", k, in_delta or "delta" in k.lower(),
                     in_gpus or k.lower() in ("gpus", "gpu_count", "gpus_added"))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}[{i}]", key, in_delta, in_gpus)
        elif isinstance(node, bool) or node is None:
            return
        elif isinstance(node, float) and (node != node or node in (float("inf"), float("-inf"))):
            out.append(f"{where}: non-finite number {node!r}")
        elif isinstance(node, (int, float)) and in_gpus and not in_delta and node < 0:
            out.append(f"{where}: negative GPU count {node}")
        elif isinstance(node, str) and (key in _MONEY_KEYS or in_gpus):
            try:
                value = Decimal(node)
            except InvalidOperation:
                return
            if not value.is_finite():
                out.append(f"{where}: non-finite money {node!r}")
            elif value < 0 and not in_delta:
                out.append(f"{where}: negative money {node!r}")
            elif abs(value) > Decimal("1e12"):
                out.append(f"{where}: absurd money {node!r}")

    walk(doc, path, "", False, False)
    return out


def output_problems(out: str, err: str, code: int | None) -> list[str]:
    """Invariants of every run: no exit 3, no traceback, no forged workflow command,
    no non-finite or negative money in JSON output, no NaN/Infinity in any output."""
    problems: list[str] = []
    if code == 3:
        problems.append(f"exit 3: {err.strip()[-300:]}")
    if "Traceback (most recent call last)" in out + err:
        problems.append("a traceback reached the output")
    for stream, text in (("stdout", out), ("stderr", err)):
        for line in text.splitlines():
            if line.startswith("::") and not _WORKFLOW_OK.match(line):
                problems.append(f"{stream}: forged workflow command line {line[:120]!r}")
    if code in (0, 1):
        stripped = out.strip()
        if stripped.startswith("{") or stripped.startswith("["):
            try:
                doc, bad = _json_constants(stripped)
            except ValueError:
                doc, bad = None, []
            if bad:
                problems.append(f"JSON output holds {sorted(set(bad))}")
            if doc is not None:
                problems.extend(money_problems(doc)[:5])
        m = _BAD_NUMBER_TEXT.search(out)
        if m:
            problems.append(f"output shows {m.group(0)!r}: {out[max(0, m.start() - 60):m.end() + 20]!r}")
    return problems


def step_problems(step: dict[str, Any], result: dict[str, Any], case_dir: Path,
                  earlier: list[dict[str, Any]], kind: str = "") -> list[str]:
    if result.get("hang"):
        return [f"hang: no answer within {result['timeout']:.0f} s (worker killed)"]
    if result.get("died"):
        return [f"worker died (exit status {result.get('signal')}): memory or a hard crash"]
    problems: list[str] = []
    if result.get("raised"):
        problems.append("main() raised: " + result["raised"].strip().splitlines()[-1])
    out, err, code = result["out"], result["err"], result["code"]
    if "MemoryError" in err:
        problems.append(f"memory bound hit ({DEFAULT_MEM_MB} MB above the idle worker)")
    problems.extend(output_problems(out, err, code))
    expected = step.get("exit", 2)
    allowed = expected if isinstance(expected, list) else [expected]
    if code not in allowed:
        problems.append(f"exit {code}, expected {expected}; stderr: {err.strip()[-400:]!r}")
    stream = step.get("stream") or ("stderr" if allowed == [2] else "any")
    text = {"stderr": err, "stdout": out, "any": out + "\n" + err}[stream]
    for frag in step.get("expect") or []:
        if str(frag).lower() not in text.lower():
            problems.append(f"{stream} lacks {frag!r}: {text.strip()[-300:]!r}")
    written = ""
    for name in step.get("outputs") or []:
        p = case_dir / name
        if p.exists():
            written += p.read_text(encoding="utf-8", errors="replace")
    posted = "\n".join(f"{r['path']} {r.get('body', '')}" for r in result.get("requests") or [])
    for bad in list(step.get("forbid") or []) + list(GLOBAL_FORBIDDEN):
        for where, blob in (("stdout", out), ("stderr", err), ("written output", written),
                            ("request sent to GitHub", posted)):
            if bad and bad in blob:
                problems.append(f"{where} contains forbidden {bad[:40]!r}")
    # policy, data and waiver files: every problem found is listed, one line each, by design
    multi = kind in ("policy", "data", "waiver") or [str(a) for a in step["argv"][:2]] in (
        ["policy", "validate"], ["policy", "test"], ["hook", "policy-validate"],
        ["hook", "policy-test"])
    if allowed == [2] and step.get("one_line", not multi):
        lines = [ln for ln in err.splitlines() if ln.strip()]
        if len(lines) != 1:
            problems.append(f"exit 2 should print exactly one error line, got {len(lines)}: "
                            f"{err.strip()[:300]!r}")
    reqs = result.get("requests") or []
    for r in reqs:
        if r["server"] == "elsewhere" and r.get("authorization"):
            problems.append("the token was sent to another host")
    if "max_requests" in step and len(reqs) > int(step["max_requests"]):
        problems.append(f"{len(reqs)} requests to the fake GitHub, at most {step['max_requests']}")
    if step.get("no_post") and any(r["method"] in ("POST", "PATCH") for r in reqs):
        problems.append("a comment was posted although the run failed before")
    if "same_as" in step:
        ref = earlier[int(step["same_as"])]
        if ref.get("out") != out:
            problems.append(f"output differs from step {step['same_as']} (cache or determinism)")
    return problems


def run_case(pool: Pool, case: Case, case_dir: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """Materialise and run a case; (problems, per-step results)."""
    mapping = materialise(case, case_dir)
    results: list[dict[str, Any]] = []
    problems: list[str] = []
    for n, step in enumerate(case.steps):
        if "tamper" in step:
            count = tamper(case_dir, step["tamper"])
            if count == 0:
                problems.append(f"step {n}: no cache entry to tamper with")
            results.append({"tampered": count})
            continue
        argv = [str(a) for a in _subst(step["argv"], mapping)]
        env = dict(case.env)
        env.update(step.get("env") or {})
        result = pool.run(argv, timeout=float(step.get("timeout", DEFAULT_TIMEOUT)),
                          cwd=str(case_dir), env=_subst(env, mapping), github=case.github)
        results.append(result)
        problems.extend(f"step {n}: {p}" if len(case.steps) > 1 else p
                        for p in step_problems(step, result, case_dir, results, case.kind))
        if result.get("hang") or result.get("died"):
            break
    return problems, results
