"""The pipeline as one call per command: read -> price (-> evaluate)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from .errors import InputError
from .model import ChangeSet, Estimate
from .settings import DEFAULT_LIMITS, Limits


@dataclass(frozen=True, slots=True)
class EstimateOptions:
    usage_file: str | None = None
    default_region: str | None = None
    price_books: tuple[str, ...] = ()
    base: str | None = None  # HCL only: compare against this tree
    var_files: tuple[str, ...] = ()  # HCL only: -var-file
    variables: tuple[tuple[str, str], ...] = ()  # HCL only: -var NAME=VALUE
    limits: Limits = DEFAULT_LIMITS  # from the global --limit NAME=VALUE


def read_input(path: str | Path, options: EstimateOptions) -> ChangeSet:
    from .redact import register
    from .sources.detect import HclOptions, read_changeset

    hcl = HclOptions(options.var_files, options.variables, options.base)
    return register(read_changeset(path, default_region=options.default_region, hcl=hcl,
                                   limits=options.limits))


def estimate_path(path: str | Path, options: EstimateOptions = EstimateOptions()) -> Estimate:
    """Read the change at `path` and price it before and after."""
    from .pricing import estimate
    from .usage import load_usage

    changeset = read_input(path, options)
    usage = load_usage(options.usage_file, default_region=options.default_region)
    return estimate(changeset, catalog=load_prices(options.price_books), usage=usage)


def load_prices(price_books: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    """The bundled catalog with the user's price books; their errors exit 2."""
    from pricing_catalog import CatalogError, load_catalog

    try:
        return load_catalog(price_books)
    except CatalogError as exc:
        raise InputError(exc.file, exc.message, line=exc.line, where=exc.where) from None

