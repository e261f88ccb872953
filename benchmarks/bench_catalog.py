"""Time and peak memory of loading the bundled catalog, per provider's share.

Each figure is a fresh Python process that loads the catalog (`load_catalog()`), once
with every data file and once with one provider's folder only (through `data_dir`,
which validates every file in full, so that column also shows the schema pass).
Usage:

    python benchmarks/bench_catalog.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from measure import best  # noqa: E402

DATA = HERE.parent / "pricing_catalog" / "data"
_LOAD = ("import sys\nfrom pricing_catalog import load_catalog\n"
         "c = load_catalog(data_dir=sys.argv[1]) if len(sys.argv) > 1 else load_catalog()\n"
         "print(len(c))\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"{'data':<22} {'records':>8} {'MB':>6} {'load s':>7} {'peak MiB':>9}")
    rows = [("bundled (all)", None)] + [(p.name, p) for p in sorted(DATA.iterdir()) if p.is_dir()]
    with tempfile.TemporaryDirectory() as tmp:
        for name, folder in rows:
            files = list((folder or DATA).rglob("*.json"))
            size = sum(f.stat().st_size for f in files) / 1e6
            records = sum(f.read_text(encoding="utf-8").count('"product": ') for f in files)
            cmd = [sys.executable, "-c", _LOAD]
            if folder is not None:
                target = Path(tmp) / name / folder.name
                shutil.copytree(folder, target)
                cmd.append(str(target.parent))
            wall, rss, code, err = best(cmd, args.repeat)
            if code:
                print(f"{name}: failed: {err}", file=sys.stderr)
                return 1
            print(f"{name:<22} {records:>8} {size:>6.1f} {wall:>7.2f} {rss:>9.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
