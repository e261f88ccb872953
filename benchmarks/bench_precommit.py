"""Timing of the pre-commit tag hook (`costwarden hook tags`) next to checkov's HCL scan.

    .venv/bin/python benchmarks/bench_precommit.py [--repeat 3] [--skip-checkov]

Each figure is a fresh child process of the `costwarden` entry point installed
as pre-commit installs a hook repository: `pip install .` (not editable, bytecode
compiled) into its own virtualenv, benchmarks/out/hook-venv, refreshed with the
current checkout on every run. Cold: empty parse cache; warm: the cache of the
previous run (what a developer's second commit sees). Inputs: a generated module of 200 files / ~20,000 lines (every file
changed: the worst case; then one file changed: a usual commit) and the largest
public-corpus directories. checkov
(3.x, its own venv in benchmarks/out/checkov-venv, see bench_check.py
--setup-checkov) scans the same directory with one custom required-tag check.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

from bench_hcl import CORPUS, LARGEST, generate  # noqa: E402
from measure import best, timed  # noqa: E402

OUT = HERE / "out"
CHECKOV = OUT / "checkov-venv" / "bin" / "checkov"
HOOK_VENV = OUT / "hook-venv"
CHECK_ID = "CKV2_CW_2"


def checkov_hcl_policy() -> Path:
    """The one required-tag check, as a checkov YAML policy on HCL `tags`."""
    folder = OUT / "checkov-hcl-policies"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "required_team_tag.yaml").write_text(f"""\
metadata:
  id: {CHECK_ID}
  name: Taggable resources carry a team tag
  category: CONVENTION
scope:
  provider: aws
definition:
  cond_type: attribute
  resource_types: taggable
  attribute: tags.team
  operator: exists
""", encoding="utf-8")
    return folder


def install_hook() -> Path:
    """The `costwarden` of a pre-commit style install of this checkout."""
    pip = HOOK_VENV / "bin" / "pip"
    if not pip.exists():
        subprocess.run([sys.executable, "-m", "venv", str(HOOK_VENV)], check=True)
        subprocess.run([str(pip), "install", "--quiet", str(REPO)], check=True)
    else:
        subprocess.run([str(pip), "install", "--quiet", str(REPO)], check=True)  # new deps
    subprocess.run([str(pip), "install", "--quiet", "--no-deps", "--force-reinstall", str(REPO)],
                   check=True)
    return HOOK_VENV / "bin" / "costwarden"


def hook_times(hook: Path, directory: Path, repeat: int, only: str | None = None
               ) -> tuple[float, float, int, int]:
    """(cold s, warm s, exit code, files) of `costwarden hook tags` on every .tf file
    (or on `only`, the commit of one file)."""
    files = [only] if only else sorted(str(p.relative_to(directory))
                                       for p in directory.glob("*.tf"))
    cmd = [str(hook), "hook", "tags", *files]
    env_before = os.environ.get("COSTWARDEN_CACHE_DIR")
    colds = []
    try:
        for _ in range(max(1, repeat)):
            with tempfile.TemporaryDirectory() as cache_dir:
                os.environ["COSTWARDEN_CACHE_DIR"] = cache_dir
                colds.append(timed(cmd, cwd=str(directory)))
        with tempfile.TemporaryDirectory() as cache_dir:
            os.environ["COSTWARDEN_CACHE_DIR"] = cache_dir
            timed(cmd, cwd=str(directory))  # fill the cache
            warm = best(cmd, repeat, cwd=str(directory))
    finally:
        if env_before is None:
            os.environ.pop("COSTWARDEN_CACHE_DIR", None)
        else:
            os.environ["COSTWARDEN_CACHE_DIR"] = env_before
    cold = min(colds, key=lambda r: r[0])
    if cold[2] not in (0, 1):
        raise SystemExit(f"hook failed on {directory}: {cold[3]}")
    return cold[0], warm[0], cold[2], len(files)


def checkov_time(directory: Path, repeat: int) -> float | None:
    if not CHECKOV.exists():
        return None
    cmd = [str(CHECKOV), "-d", str(directory), "--framework", "terraform", "--skip-download",
           "--external-checks-dir", str(checkov_hcl_policy()), "--check", CHECK_ID, "--quiet",
           "--compact"]
    wall, _, code, err = best(cmd, repeat)
    if code not in (0, 1):
        raise SystemExit(f"checkov failed on {directory}: {err}")
    return wall


def row(hook: Path, label: str, directory: Path, repeat: int, skip_checkov: bool,
        only: str | None = None) -> None:
    cold, warm, code, files = hook_times(hook, directory, repeat, only)
    line = (f"{label:<62} {files:>4} files  cold {cold:6.3f} s  warm {warm:6.3f} s  "
            f"exit {code}")
    peer = None if skip_checkov or only else checkov_time(directory, repeat)
    if peer is not None:
        line += f"  checkov {peer:6.2f} s  cold ratio {peer / cold:5.1f}x"
    print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-checkov", action="store_true")
    ap.add_argument("--corpus", type=int, default=len(LARGEST),
                    help="how many of the largest corpus directories to time")
    args = ap.parse_args(argv)
    # A developer's machine keeps bytecode (pip compiles it at install time); this
    # one may be told not to, which would time compiling instead of running.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    hook = install_hook()
    print(f"cpu count: {os.cpu_count()}; checkov: "
          f"{'found' if CHECKOV.exists() else 'not installed (bench_check.py --setup-checkov)'}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        lines = generate(root)
        row(hook, f"generated module ({lines:,} lines, every file changed)", root, args.repeat,
            args.skip_checkov)
        row(hook, "generated module, one file changed (gen_042.tf)", root, args.repeat,
            args.skip_checkov, only="gen_042.tf")
    if CORPUS.is_dir():
        for rel in LARGEST[:args.corpus]:
            row(hook, rel, CORPUS / rel, args.repeat, args.skip_checkov)
    return 0


if __name__ == "__main__":
    sys.exit(main())
