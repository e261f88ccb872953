"""The pipeline as one call per command: read -> price (-> evaluate)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from .errors import InputError
from .model import ChangeSet, Estimate
from .settings import DEFAULT_SETTINGS, Settings


@dataclass(frozen=True, slots=True)
class EstimateOptions:
    usage_file: str | None = None
    default_region: str | None = None
    price_books: tuple[str, ...] = ()
    settings: Settings = DEFAULT_SETTINGS  # limits (--limit NAME=VALUE), parallel, cache_dir
    # each reader's own options by reader name, e.g. {"terraform-hcl": HclOptions(base=...)}
    reader_options: tuple[tuple[str, Any], ...] | Mapping[str, Any] = ()

    def __post_init__(self) -> None:
        from .sources.readers import options_mapping

        object.__setattr__(self, "reader_options", options_mapping(self.reader_options))


def read_input(source: str | Path | Mapping[str, Any] | list[Any],
               options: EstimateOptions = EstimateOptions(), *, name: str | None = None,
               readers: Iterable[Any] | None = None,
               clouds: Iterable[Any] | None = None) -> ChangeSet:
    """Read a path (plan file, .tf directory) or an already parsed document (shown as
    `name` in errors) into a ChangeSet; `readers` replaces the built-in registry and
    `clouds` the built-in cloud bundles (their provider, tag and region conventions)."""
    from .redact import register
    from .sources.detect import read_changeset

    return register(read_changeset(source, default_region=options.default_region,
                                   options=options.reader_options, readers=readers, name=name,
                                   settings=options.settings, clouds=clouds))


def estimate_path(source: str | Path | Mapping[str, Any] | list[Any],
                  options: EstimateOptions = EstimateOptions(), *,
                  readers: Iterable[Any] | None = None, name: str | None = None) -> Estimate:
    """Read the change at `source` (a path or a parsed document, shown as `name` in
    errors) and price it."""
    return estimate_changeset(read_input(source, options, readers=readers, name=name),
                              options)


def estimate_changeset(changeset: ChangeSet, options: EstimateOptions = EstimateOptions(), *,
                       catalog: Any = None, usage: Any = None, price: bool = True) -> Estimate:
    """Price a ChangeSet before and after. `catalog`/`usage` default to the options' price
    books and usage file; `price=False` prices nothing (every resource keeps its change,
    no cost model runs: for policies decided by attributes alone)."""
    from .pricing import estimate

    if usage is None:
        from .usage import load_usage

        usage = load_usage(options.usage_file, default_region=options.default_region,
                           settings=options.settings)
    if catalog is None:
        catalog = load_prices(options.price_books)
    registry = None
    if not price:
        from .costs.base import CostRegistry

        registry = CostRegistry(models={})
    return estimate(changeset, catalog=catalog, usage=usage, registry=registry)


def load_prices(price_books: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    """The bundled catalog with the user's price books; their errors exit 2."""
    from pricing_catalog import CatalogError, load_catalog

    try:
        return load_catalog(price_books)
    except CatalogError as exc:
        raise InputError(exc.file, exc.message, line=exc.line, where=exc.where) from None
