"""`python -m engine.policy lock`: check the bundled pack and record it as checked."""

from __future__ import annotations

import sys

from .loader import update_pack_lock
from .spec import PolicyErrors


def main(argv: list[str]) -> int:
    if argv != ["lock"]:
        print("usage: python -m engine.policy lock", file=sys.stderr)
        return 2
    try:
        print(f"checked the bundled policy files; wrote {update_pack_lock().name}")
    except PolicyErrors as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
