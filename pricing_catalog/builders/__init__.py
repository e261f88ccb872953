"""`python -m pricing_catalog build CLOUD`: turn the licensed price sources into the
bundled data files.

One module per cloud (`aws`, `gcp`, `azure`), each with `main(argv) -> exit code`.
The sources are read from a directory given on the command line (by default
`../shared/reference/price-sources/`, beside the repository); what a builder writes
under `pricing_catalog/data/<dir>/` is what ships, and tests run each builder on small
excerpts.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any, Mapping, Sequence

BUILDERS = {
    "aws": "pricing_catalog.builders.aws",
    "gcp": "pricing_catalog.builders.gcp",
    "azure": "pricing_catalog.builders.azure",
}

# Where the licensed sources live in a development checkout (never bundled): the
# `shared/` folder beside the repository.
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
DEFAULT_SOURCES = SHARED / "reference" / "price-sources"


def write_data_files(docs: Mapping[str, dict[str, Any]], out: Path) -> list[Path]:
    """Validate each document and write it as `out/<file name>` in the catalog's format."""
    from ..datafile import DATA_SCHEMA, format_data_file, validate

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, doc in sorted(docs.items()):
        path = out / name
        validate(doc, DATA_SCHEMA, str(path), None)
        path.write_text(format_data_file(doc), encoding="utf-8")
        written.append(path)
    return written


def main(argv: Sequence[str]) -> int:
    argv = list(argv)
    if not argv or argv[0] not in BUILDERS:
        print("usage: python -m pricing_catalog build {" + ",".join(BUILDERS) + "} [options]",
              file=sys.stderr)
        return 2
    try:
        module = importlib.import_module(BUILDERS[argv[0]])
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("pricing_catalog."):
            print(f"build: {argv[0]} has no builder yet", file=sys.stderr)
            return 2
        raise
    return module.main(argv[1:])
