"""The pipeline as one call per command: read -> price (-> evaluate)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from .model import ChangeSet, Estimate


@dataclass(frozen=True, slots=True)
class EstimateOptions:
    usage_file: str | None = None
    default_region: str | None = None
    price_books: tuple[str, ...] = ()
    base: str | None = None  # HCL only: compare against this tree


def read_input(path: str | Path, options: EstimateOptions) -> ChangeSet:
    from .sources.detect import read_changeset

    return read_changeset(path, default_region=options.default_region)


def estimate_path(path: str | Path, options: EstimateOptions = EstimateOptions()) -> Estimate:
    """Read the change at `path` and price it before and after."""
    from pricing_catalog import load_catalog

    from .estimate import estimate
    from .usage import load_usage

    changeset = read_input(path, options)
    usage = load_usage(options.usage_file, default_region=options.default_region)
    catalog = load_catalog(options.price_books)
    return estimate(changeset, catalog=catalog, usage=usage)

