"""The usage file: what the plan cannot say (duty cycle, run hours, storage, traffic).

```yaml
version: 1
defaults:                      # per resource type
  aws_s3_bucket: {standard_storage_gb: 500}
resources:                     # per address; `*` globs allowed, exact address wins
  aws_autoscaling_group.trainers: {hours_per_month: 300, run_hours: 72}
data_transfer:                 # usage-only pseudo-resources
  - name: dataset-egress
    cloud: aws                 # optional (default aws): whose data-transfer prices apply
    region: us-east-1
    internet_egress_gb: 20000
```

The schema is generated from the cost registry's usage fields, so a typo in a
key is an error with file and line, never silently ignored.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from .costs import numbers
from .costs.base import CostRegistry, UsageField
from .errors import InputError
from .model import ResourceChange, SourceLocation
from .settings import DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:  # pragma: no cover
    from .clouds import Cloud

USAGE_VERSION = 1
DEFAULT_TRANSFER_CLOUD = "aws"  # a data_transfer entry without `cloud`

GENERIC_FIELDS = (
    UsageField("hours_per_month", "hours the resource runs in a month (default 730)"),
    UsageField("run_hours", "expected hours of one training run or job (gives cost per run)"),
)
DATA_TRANSFER_FIELDS = {
    "internet_egress_gb": "GB per month sent to the internet",
    "inter_region_gb": "GB per month sent to another region",
    "inter_az_gb": "GB per month sent between availability zones",
}


# Kinds of the usage values whose bound is not the generic monthly quantity.
_KINDS = {"hours_per_month": numbers.HOURS_PER_MONTH, "run_hours": numbers.RUN_HOURS,
          "instances": numbers.AVERAGE_COUNT}


def _kind(name: str) -> numbers.Kind:
    return _KINDS.get(name) or (numbers.SIZE_GB if name.endswith("_gb") else numbers.QUANTITY)


@lru_cache(maxsize=256)
def _glob(pattern: str) -> "re.Pattern[str]":
    """`*` and `?` are the only wildcards: `[` and `]` in addresses are literal."""
    return re.compile("".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch)
                              for ch in pattern), re.DOTALL)


def glob_match(address: str, pattern: str) -> bool:
    return _glob(pattern).fullmatch(address) is not None


@dataclass(frozen=True, slots=True)
class Usage:
    """Usage values per type and per address, plus data-transfer pseudo-resources."""

    path: str | None = None
    defaults: Mapping[str, Mapping[str, Decimal]] = field(default_factory=dict)
    exact: Mapping[str, Mapping[str, Decimal]] = field(default_factory=dict)
    globs: tuple[tuple[str, Mapping[str, Decimal]], ...] = ()
    transfers: tuple[ResourceChange, ...] = ()
    lines: Mapping[str, int | None] = field(default_factory=dict)  # address/glob -> line

    def for_resource(self, address: str, resource_type: str) -> Mapping[str, Decimal]:
        values = dict(self.defaults.get(resource_type, {}))
        for pattern, overrides in self.globs:
            if glob_match(address, pattern):
                values.update(overrides)
        values.update(self.exact.get(address, {}))
        return values

    def check_matches(self, changes: Sequence[ResourceChange],
                      registry: CostRegistry) -> tuple[str, ...]:
        """Refuse per-address entries that apply to nothing; warnings for idle globs.

        An exact address that names no resource of the change, or a key its
        resource type does not read, is an InputError with file, line and a
        did-you-mean. A glob that matches no resource, or none whose type
        reads one of its keys, is a warning (globs are often written ahead).
        """
        if self.path is None or (not self.exact and not self.globs):
            return ()  # built in code, not read from a usage file
        types = {c.address: c.type for c in changes}
        fields = registry.usage_fields()
        generic = {f.name for f in GENERIC_FIELDS}
        pseudo = {t.type for t in self.transfers}

        def allowed(resource_type: str) -> set[str]:
            if resource_type in pseudo or resource_type not in fields:
                return set()
            return generic | {f.name for f in fields[resource_type]}

        for address, values in self.exact.items():
            where = f"$.resources.{address}"
            if address not in types:
                close = difflib.get_close_matches(address, list(types), n=1, cutoff=0.6)
                hint = f"; did you mean {close[0]!r}?" if close else (
                    "; addresses are as in the plan, e.g. aws_instance.web[0] or "
                    "module.a.aws_instance.web (use * to match several)")
                raise InputError(self.path, f"no resource {address!r} in this change{hint}",
                                 line=self.lines.get(address), where=where)
            resource_type = types[address]
            ok = allowed(resource_type)
            for key in values:
                if key not in ok:
                    raise InputError(self.path, _wrong_key(key, resource_type, ok, fields),
                                     line=self.lines.get(address), where=f"{where}.{key}")
        warnings = []
        for pattern, values in self.globs:
            matched = [t for a, t in types.items() if glob_match(a, pattern)]
            at = f"{self.path}:{self.lines.get(pattern)}" if self.lines.get(pattern) else \
                str(self.path or "usage")
            if not matched:
                warnings.append(f"{at}: usage glob {pattern!r} matches no resource in this "
                                "change")
                continue
            used = set().union(*(allowed(t) for t in matched))
            idle = sorted(k for k in values if k not in used)
            if idle:
                kinds = ", ".join(sorted(set(matched)))
                warnings.append(f"{at}: usage glob {pattern!r}: {', '.join(idle)} applies to "
                                f"none of the resources it matches ({kinds})")
        return tuple(warnings)


def _wrong_key(key: str, resource_type: str, ok: set[str],
               fields: Mapping[str, tuple[UsageField, ...]]) -> str:
    owners = sorted(t for t, fs in fields.items() if key in {f.name for f in fs})
    if not ok:
        return (f"{resource_type} takes no usage values (no cost model reads them); "
                f"{key!r} is ignored here")
    text = f"{key!r} is not a usage key of {resource_type}"
    if owners:
        text += f" (it belongs to {', '.join(owners)})"
    close = difflib.get_close_matches(key, sorted(ok), n=1, cutoff=0.6)
    if close:
        text += f"; did you mean {close[0]!r}?"
    else:
        text += f"; its keys: {', '.join(sorted(ok))}"
    return text


def usage_schema(registry: CostRegistry) -> dict[str, Any]:
    """JSON Schema of the usage file, generated from the registry's usage fields."""
    def values_schema(fields: tuple[UsageField, ...], title: str) -> dict[str, Any]:
        return {"type": "object", "additionalProperties": False, "title": title,
                "properties": {f.name: {"enum": list(f.choices), "description": f.description}
                               if f.choices else
                               {"type": "number", "minimum": 0, "description": f.description}
                               for f in fields}}

    per_type = {t: values_schema(GENERIC_FIELDS + fields, f"usage of {t}")
                for t, fields in registry.usage_fields().items()}
    all_fields: dict[str, UsageField] = {f.name: f for f in GENERIC_FIELDS}
    for fields in registry.usage_fields().values():
        all_fields.update({f.name: f for f in fields})
    transfer_props: dict[str, Any] = {
        "name": {"type": "string", "pattern": r"^[A-Za-z0-9_.-]+$"},
        "cloud": {"type": "string", "description": "whose data-transfer prices apply "
                  f"(default {DEFAULT_TRANSFER_CLOUD})"},
        "region": {"type": "string"},
        "destination_region": {"type": "string"},
        **{k: {"type": "number", "minimum": 0, "description": d}
           for k, d in DATA_TRANSFER_FIELDS.items()},
    }
    before_props = {k: v for k, v in transfer_props.items()
                    if k not in ("name", "cloud", "region")}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "costwarden usage file",
        "type": "object",
        "additionalProperties": False,
        "required": ["version"],
        "properties": {
            "version": {"const": USAGE_VERSION},
            "defaults": {"type": "object", "additionalProperties": False, "properties": per_type,
                         "title": "usage defaults (resource types with a cost model)"},
            "resources": {"type": "object",
                          "additionalProperties": values_schema(tuple(all_fields.values()),
                                                                "usage of a resource")},
            "data_transfer": {"type": "array", "items": {
                "type": "object", "additionalProperties": False, "required": ["name"],
                "properties": {**transfer_props, "before": {
                    "type": "object", "additionalProperties": False, "properties": before_props}},
            }},
        },
    }


def load_usage(path: str | None, registry: CostRegistry | None = None,
               default_region: str | None = None,
               clouds: "Iterable[Cloud] | None" = None, *,
               settings: Settings = DEFAULT_SETTINGS) -> Usage:
    """Read a usage file; `clouds` (default: the built-in bundles) route its
    data_transfer entries to each cloud's data-transfer pseudo-type. `settings`
    give the size limit and the parse cache."""
    if path is None:
        return Usage()
    from .clouds import data_transfer_clouds

    from .yamlload import YamlDoc, load_config
    from .yamlschema import schema_errors

    if registry is None:
        from .costs.registry import builtin_registry
        registry = builtin_registry()
    doc = load_config(path, None, settings)
    if doc.data is None:
        doc = YamlDoc(doc.file, {}, doc.lines)
    errors = schema_errors(doc, usage_schema(registry))
    if errors:
        raise errors[0]
    data = doc.data

    words = {f.name for fields in registry.usage_fields().values() for f in fields if f.choices}

    def decimals(values: Mapping[str, Any], *where: str | int) -> dict[str, Decimal]:
        # a choice (the schema checked it is one of its words) stays a word
        return {k: v if k in words and isinstance(v, str) else _checked(doc, v, k, where)
                for k, v in values.items()}

    exact: dict[str, Mapping[str, Decimal]] = {}
    globs: list[tuple[str, Mapping[str, Decimal]]] = []
    lines: dict[str, int | None] = {}
    for address, values in (data.get("resources") or {}).items():
        lines[address] = doc.line(("resources", address))
        if any(ch in address for ch in "*?"):
            globs.append((address, decimals(values, "resources", address)))
        else:
            exact[address] = decimals(values, "resources", address)
    for i, entry in enumerate(data.get("data_transfer") or ()):
        decimals({k: v for k, v in entry.items() if k in DATA_TRANSFER_FIELDS},
                 "data_transfer", i)
        decimals({k: v for k, v in (entry.get("before") or {}).items()
                  if k in DATA_TRANSFER_FIELDS}, "data_transfer", i, "before")
    pseudo = data_transfer_clouds(clouds)
    transfers = tuple(
        _transfer_change(entry, i, doc.file, doc.line(("data_transfer", i)), default_region,
                         pseudo)
        for i, entry in enumerate(data.get("data_transfer") or ()))
    seen: set[str] = set()
    for i, transfer in enumerate(transfers):
        if transfer.name in seen:
            raise InputError(doc.file, f"duplicate data_transfer name {transfer.name!r}",
                             line=doc.line(("data_transfer", i)), where=f"$.data_transfer[{i}]")
        seen.add(transfer.name)
    return Usage(path=doc.file,
                 defaults={t: decimals(v, "defaults", t)
                           for t, v in (data.get("defaults") or {}).items()},
                 exact=exact, globs=tuple(globs), transfers=transfers, lines=lines)


def _checked(doc: Any, value: Any, key: str, where: Iterable[str | int]) -> Decimal:
    """A usage value checked for its kind (finite, non-negative, plausible)."""
    path = (*where, key)
    try:
        return numbers.checked(value, _kind(key))
    except numbers.NumberError as exc:
        from .yamlload import json_path

        raise InputError(doc.file, str(exc), line=doc.line(path),
                         where=json_path(path)) from None


def _transfer_change(entry: Mapping[str, Any], index: int, path: str, line: int | None,
                     default_region: str | None, pseudo: Mapping[str, "Cloud"]
                     ) -> ResourceChange:
    """A data-transfer entry as a pseudo-resource of its cloud's data-transfer type:
    created, or updated when `before` is given."""
    cloud_name = entry.get("cloud", DEFAULT_TRANSFER_CLOUD)
    cloud = pseudo.get(cloud_name)
    if cloud is None or cloud.data_transfer_type is None:
        known = ", ".join(sorted(pseudo)) or "none"
        raise InputError(path, f"data_transfer cloud {cloud_name!r} has no data-transfer prices "
                               f"(clouds with them: {known})", line=line,
                         where=f"$.data_transfer[{index}].cloud")
    region = entry.get("region") or default_region
    after = {k: v for k, v in entry.items() if k not in ("name", "cloud", "before")}
    after["region"] = region
    before = None
    if "before" in entry:
        before = {**{k: v for k, v in entry["before"].items()}, "region": region}
        before.setdefault("destination_region", entry.get("destination_region"))
    name = entry["name"]
    return ResourceChange(
        address=f"data_transfer.{name}", type=cloud.data_transfer_type, name=name,
        provider=cloud.providers[0] if cloud.providers else cloud.name,
        action="update" if before is not None else "create", before=before, after=after,
        region=region, source=SourceLocation(path, line, f"/data_transfer/{index}"))


def usage_keys_markdown(registry: CostRegistry) -> str:
    """The README's table of usage keys per resource type (kept in step by a test)."""
    rows = ["| resource type | usage keys |", "|---|---|",
            "| every priced type | " + ", ".join(f"`{f.name}`" for f in GENERIC_FIELDS) + " |"]
    for resource_type, fields in registry.usage_fields().items():
        if fields:
            rows.append(f"| `{resource_type}` | " + ", ".join(f"`{f.name}`" for f in fields)
                        + " |")
    rows.append("| `data_transfer` entries | `cloud`, `region`, `destination_region`, "
                + ", ".join(f"`{k}`" for k in DATA_TRANSFER_FIELDS) + ", `before` |")
    return "\n".join(rows)
