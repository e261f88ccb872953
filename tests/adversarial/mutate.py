"""Structured mutation of the valid example inputs, for the fuzzer and the report.

A `Chooser` makes every random decision; `HypothesisChooser` draws them from
Hypothesis (so failures shrink and replay from the printed seed), `RandomChooser`
from `random.Random(seed)` (the report's budgeted run, which counts crashes
instead of stopping at the first). `SEEDS` lists the valid inputs mutated, each
with the command that reads it.
"""

from __future__ import annotations

import copy
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import yaml

REPO = Path(__file__).resolve().parents[2]

HOSTILE: tuple[Any, ...] = (
    None, True, False, 0, -1, -7, 1.5, -0.5, 1e30, -1e30, 10**20, 2**63, 10**400,
    float("nan"), float("inf"), float("-inf"), "", "NaN", "Infinity", "-1", "1e999", "0x10",
    "\n::set-output name=pwned::1", "%0A::warning::forged", "\r\n::add-mask::x",
    "../../../../etc/passwd", "/proc/self/environ", "a" * 5000, "p5.48xlarge", "t3.medium",
    "zz9.mega", "us-east-1", "nowhere-9", [], {}, [1], [None], {"a": 1}, [[[]]],
    '${file("/etc/passwd")}', "\u202e\u0000\x1b[2J", "CC-1234", "*", "(.*,){16}x",
)


class Chooser:
    def int(self, lo: int, hi: int) -> int:  # inclusive
        raise NotImplementedError

    def choice(self, seq: Sequence[Any]) -> Any:
        return seq[self.int(0, len(seq) - 1)]

    def value(self) -> Any:
        kind = self.int(0, 9)
        if kind <= 5:  # a copy: later steps may mutate a list or dict in place
            return copy.deepcopy(self.choice(HOSTILE))
        if kind == 6:
            return self.int(-10**6, 10**12)
        if kind == 7:
            return self.choice([0.1, 2.5, 743.9, 744, 745, 1000, 1e6, 1e-9, -3.25])
        if kind == 8:
            return "".join(self.choice("aZ09-._/:*\n%$ {}[]\"'\\") for _ in range(self.int(0, 12)))
        return self.int(0, 3)


class RandomChooser(Chooser):
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def int(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)


class HypothesisChooser(Chooser):
    def __init__(self, data: Any) -> None:
        from hypothesis import strategies as st

        self.data, self.st = data, st

    def int(self, lo: int, hi: int) -> int:
        return self.data.draw(self.st.integers(lo, hi))


# ---------------------------------------------------------------- structure

def _paths(node: Any, prefix: tuple = (), out: list | None = None, limit: int = 4000) -> list:
    out = [] if out is None else out
    if len(out) >= limit:
        return out
    out.append(prefix)
    if isinstance(node, dict):
        for k in list(node)[:200]:
            _paths(node[k], prefix + (k,), out, limit)
    elif isinstance(node, list):
        for i in range(min(len(node), 200)):
            _paths(node[i], prefix + (i,), out, limit)
    return out


def _get(node: Any, path: tuple) -> Any:
    for p in path:
        node = node[p]
    return node


def mutate_doc(doc: Any, ch: Chooser, steps: int) -> tuple[Any, list[str]]:
    doc = copy.deepcopy(doc)
    log: list[str] = []
    for _ in range(steps):
        paths = _paths(doc)
        path = ch.choice(paths)
        op = ch.int(0, 9)
        if not path:  # the root: wrap or replace rarely
            if op == 0:
                doc = ch.value()
                log.append(f"root <- {doc!r:.60}")
            continue
        parent, key = _get(doc, path[:-1]), path[-1]
        if op <= 4:
            value = ch.value()
            parent[key] = value
            log.append(f"{list(path)} <- {value!r:.60}")
        elif op == 5:
            del parent[key]
            log.append(f"{list(path)} deleted")
        elif op == 6:
            parent[key] = [parent[key]] if ch.int(0, 1) else {"x": parent[key]}
            log.append(f"{list(path)} wrapped")
        elif op == 7 and isinstance(parent, list):
            parent.extend(copy.deepcopy(parent[key]) for _ in range(ch.int(1, 3)))
            log.append(f"{list(path)} duplicated")
        elif op == 7 and isinstance(parent, dict):
            new = ch.choice(["", "\n::set-output name=k::v", "a" * 300, "NaN", str(key) + "_x",
                             "instance_type", "count", "tags"])
            parent[new] = parent.pop(key)
            log.append(f"{list(path)} renamed to {new!r:.40}")
        elif op == 8:
            current = parent[key]
            parent[key] = (str(current) if not isinstance(current, str)
                           else _number_like(current, ch))
            log.append(f"{list(path)} retyped")
        else:
            current = parent[key]
            if isinstance(current, (int, float)) and not isinstance(current, bool):
                factor = ch.choice([-1, 0, 0.5, 10**6, 10**30, float("nan")])
                try:
                    parent[key] = current * factor
                except OverflowError:
                    parent[key] = float("inf")
                log.append(f"{list(path)} scaled by {factor}")
            else:
                parent[key] = ch.value()
                log.append(f"{list(path)} <- value")
    return doc, log


def _number_like(text: str, ch: Chooser) -> Any:
    try:
        return float(text) * ch.choice([-1, 1e30])
    except ValueError:
        return ch.choice([len(text), -len(text), 0.5])


def mutate_text(text: str, ch: Chooser) -> tuple[str, str]:
    """A byte-level mutation of serialised text: truncate, splice, duplicate a line."""
    if not text:
        return text, "empty"
    op = ch.int(0, 4)
    pos = ch.int(0, len(text) - 1)
    if op == 0:
        return text[:pos], f"truncated at {pos}"
    if op == 1:
        junk = ch.choice(["{", "}", "[", "]", "\"", ":", "\n", "\x00", "&a", "*a", "\t", "%",
                          "NaN", "1e999", "-", "${", "<<EOT"])
        return text[:pos] + junk + text[pos:], f"inserted {junk!r} at {pos}"
    if op == 2:
        lines = text.splitlines(True)
        i = ch.int(0, len(lines) - 1)
        return "".join(lines[:i + 1] + [lines[i]] + lines[i + 1:]), f"line {i + 1} duplicated"
    if op == 3:
        lines = text.splitlines(True)
        i = ch.int(0, len(lines) - 1)
        return "".join(lines[:i] + lines[i + 1:]), f"line {i + 1} removed"
    numbers = list(re.finditer(r"(?<![\w.])\d+(\.\d+)?(?![\w.])", text))
    if not numbers:
        return text, "no number"
    m = ch.choice(numbers)
    new = ch.choice(["-1", "0", "1e999", "NaN", "1e30", "1.5", "100001", "-0", "99999999999999999999"])
    return text[:m.start()] + new + text[m.end():], f"number at {m.start()} -> {new}"


# ---------------------------------------------------------------- seeds

def _dump_json(doc: Any) -> str:
    return json.dumps(doc, allow_nan=True)


def _dump_yaml(doc: Any) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


@dataclass(frozen=True)
class Seed:
    name: str
    kind: str  # plan | usage | policy | data | waiver | pricebook | tf
    path: Path  # the valid file
    fmt: str  # json | yaml | text
    argv: Callable[[Path, Path], list[str]]  # (mutated file, work dir) -> argv

    def load(self) -> Any:
        text = self.path.read_text(encoding="utf-8")
        if self.fmt == "json":
            return json.loads(text)
        if self.fmt == "yaml":
            return yaml.safe_load(text)
        return text

    def dump(self, doc: Any) -> str:
        if self.fmt == "json":
            return _dump_json(doc)
        if self.fmt == "yaml":
            return _dump_yaml(doc)
        return doc


PRICE_BOOK = """\
version: 1
name: acme-edp
as_of: 2026-03-01
overrides:
  - service: ec2
    purchase_option: on_demand
    attributes: {instance_type: "p5.*"}
    discount_percent: 12.5
  - service: ec2
    product: instance
    region: us-east-1
    attributes: {instance_type: g6e.xlarge}
    price: "1.50"
    unit: hour
"""


def seeds(work: Path) -> list[Seed]:
    """The valid inputs mutated; `work` holds a copy of the bundled pack (policy/data seeds)."""
    tc = REPO / "examples" / "training-cluster"
    out: list[Seed] = []
    plans = sorted(REPO.glob("examples/*/plan.json")) + sorted(REPO.glob("policies/tests/*/plan.json"))
    for p in plans:
        rel = p.relative_to(REPO)
        out.append(Seed(f"plan:{rel}", "plan", p, "json",
                        lambda f, w: ["estimate", str(f), "--format", "json"]))
        out.append(Seed(f"plan-check:{rel}", "plan", p, "json",
                        lambda f, w: ["check", str(f), "--format", "json"]))
    for u in sorted(REPO.glob("examples/*/usage.yml")):
        plan = u.parent / "plan.json"
        out.append(Seed(f"usage:{u.relative_to(REPO)}", "usage", u, "yaml",
                        lambda f, w, plan=plan: ["estimate", str(plan), "--usage", str(f),
                                                 "--format", "json"]))
    for pol in sorted((work / "policies").glob("*.yaml")):
        out.append(Seed(f"policy:{pol.name}", "policy", pol, "yaml",
                        lambda f, w: ["check", str(tc / "plan.json"), "--policies", str(f),
                                      "--format", "json"]))
    for data in sorted((work / "policies" / "data").glob("*.yaml")):
        out.append(Seed(f"data:{data.name}", "data", data, "yaml",
                        lambda f, w: ["check", str(tc / "plan.json"), "--policies",
                                      str(w / "policies"), "--format", "json"]))
    for wv in sorted(REPO.glob("policies/tests/*/waivers.yaml")):
        plan = wv.parent / "plan.json"
        out.append(Seed(f"waiver:{wv.relative_to(REPO)}", "waiver", wv, "yaml",
                        lambda f, w, plan=plan: ["check", str(plan), "--waivers", str(f),
                                                 "--format", "json"]))
    book = work / "book.yaml"
    if not book.exists():
        book.write_text(PRICE_BOOK, encoding="utf-8")
    out.append(Seed("pricebook:book.yaml", "pricebook", book, "yaml",
                    lambda f, w: ["estimate", str(tc / "plan.json"), "--price-book", str(f),
                                  "--format", "json"]))
    for tf in sorted(REPO.glob("examples/*/main.tf")):
        out.append(Seed(f"tf:{tf.relative_to(REPO)}", "tf", tf, "text",
                        lambda f, w: ["estimate", str(f.parent), "--format", "json"]))
    return out


def build_case(seed: Seed, ch: Chooser, work: Path) -> tuple[Path, str, list[str], dict[Path, str]]:
    """Write one mutated input; returns (file, description, argv, files to restore)."""
    restore: dict[Path, str] = {}
    if seed.kind in ("policy", "data"):
        target = seed.path  # inside the work copy of the pack: restored afterwards
        restore[target] = seed.path.read_text(encoding="utf-8")
    elif seed.kind == "tf":
        d = work / "tf"
        d.mkdir(parents=True, exist_ok=True)
        for old in d.glob("*.tf"):
            old.unlink()
        for sib in seed.path.parent.glob("*.tf"):
            if sib != seed.path:
                (d / sib.name).write_text(sib.read_text(encoding="utf-8"), encoding="utf-8")
        target = d / seed.path.name
    else:
        target = work / f"input.{ 'json' if seed.fmt == 'json' else 'yaml'}"
    original = restore.get(target) or seed.path.read_text(encoding="utf-8")
    if seed.fmt == "text" or ch.int(0, 5) == 0:
        text, what = mutate_text(original, ch)
        for _ in range(ch.int(0, 1)):
            text, more = mutate_text(text, ch)
            what += "; " + more
        desc = f"{seed.name}: text: {what}"
    else:
        doc, log = mutate_doc(seed.load() if not restore else _load(seed, original), ch, ch.int(1, 4))
        try:
            text = seed.dump(doc)
        except (ValueError, OverflowError, yaml.YAMLError, RecursionError):
            text = _dump_json(doc) if seed.fmt == "json" else json.dumps(doc, default=str)
        desc = f"{seed.name}: " + "; ".join(log)
    target.write_text(text, encoding="utf-8")
    return target, desc, seed.argv(target, work), restore


def _load(seed: Seed, text: str) -> Any:
    return json.loads(text) if seed.fmt == "json" else yaml.safe_load(text)


def fuzz_seed() -> int:
    """FUZZ_SEED, else the CI run id, else today's date (printed, so a failure reproduces)."""
    import datetime
    import os

    for var in ("FUZZ_SEED", "GITHUB_RUN_ID", "CI_PIPELINE_ID", "BUILD_NUMBER"):
        value = os.environ.get(var, "").strip()
        if value.isdigit():
            return int(value) % (2**32)
    return int(datetime.date.today().strftime("%Y%m%d"))
