"""`python -m pricing_catalog lock|build CLOUD`: validate the bundled data and record it
as validated, or rebuild a cloud's data files from the licensed sources."""

from __future__ import annotations

import sys
from typing import Sequence

from .errors import CatalogError
from .loader import update_lock


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["build"]:
        from .builders import main as build_main

        return build_main(args[1:])
    if args != ["lock"]:
        print("usage: python -m pricing_catalog lock | build CLOUD [options]", file=sys.stderr)
        return 2
    try:
        print(f"validated the bundled data files; wrote {update_lock().name}")
    except CatalogError as exc:
        print(f"pricing_catalog: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
