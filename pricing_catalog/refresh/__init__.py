"""`costwarden catalog refresh CLOUD ...`: rebuild data files from a provider's own price API.

One module per cloud (`aws`, `gcp`, `azure`), each with `main(argv) -> exit code`
writing data files in the bundled shape with the fetch date as source date. The
modules import their network clients lazily (`costwarden[refresh]`).
"""

from __future__ import annotations

import importlib
import sys
from typing import Sequence

REFRESHERS = {
    "aws": "pricing_catalog.refresh.aws",
    "gcp": "pricing_catalog.refresh.gcp",
    "azure": "pricing_catalog.refresh.azure",
}


def main(argv: Sequence[str]) -> int:
    """Dispatch `CLOUD [options]` to that cloud's refresher."""
    argv = list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: costwarden catalog refresh {" + ",".join(REFRESHERS) + "} [options]",
              file=sys.stderr if not argv else sys.stdout)
        return 2 if not argv else 0
    cloud, rest = argv[0], argv[1:]
    if cloud not in REFRESHERS:
        print(f"catalog refresh: unknown cloud {cloud!r} (one of {', '.join(REFRESHERS)})",
              file=sys.stderr)
        return 2
    try:
        module = importlib.import_module(REFRESHERS[cloud])
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("pricing_catalog."):
            print(f"catalog refresh: {cloud} has no refresher yet", file=sys.stderr)
            return 2
        raise
    return module.main(rest)
