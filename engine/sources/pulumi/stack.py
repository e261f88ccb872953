"""What a Pulumi stack says about every resource: its provider resources (region,
default tags) and its configuration (`aws:region`, `aws:defaultTags`, ...).

The region of a resource comes from the resource itself (the cloud bundle's region
attributes), else from its provider resource (`pulumi:providers:aws` inputs
`region`), else from the stack configuration (`types.REGION_CONFIG`), else from
`--region`. Default tags come from the provider resource's `defaultTags`, else from
the stack configuration (`aws:defaultTags`).
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Mapping

from engine.sources.pulumi.props import SECRET_TEXT, UNKNOWN
from engine.sources.pulumi.types import DEFAULT_TAGS, PROVIDER_PREFIX, PROVIDER_REGION, \
    REGION_CONFIG


def _decoded(value: Any) -> Any:
    """Provider inputs and config values are often JSON text (`"{\\"tags\\": …}"`)."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except (json.JSONDecodeError, RecursionError):
            return value
    return value


def _known_text(value: Any) -> str | None:
    if isinstance(value, str) and value and value not in (UNKNOWN, SECRET_TEXT):
        return value
    return None


class ProviderFacts:
    """Region and default tags of one package's resources, by provider resource."""

    def __init__(self, config: Mapping[str, Any] | None) -> None:
        self.config: Mapping[str, Any] = config if isinstance(config, Mapping) else {}
        self._providers: dict[str, tuple[str, Mapping[str, Any]]] = {}

    def add_provider(self, urn: str, type_token: str, inputs: Any) -> None:
        """A `pulumi:providers:<package>` resource and its inputs."""
        package = type_token[len(PROVIDER_PREFIX):]
        self._providers[urn] = (package, inputs if isinstance(inputs, Mapping) else {})

    def region(self, package: str, provider: str | None) -> str | None:
        """The region the provider resource or the stack configuration names."""
        found = self._providers.get(provider or "")
        if found is not None and found[0] == package:
            for field in PROVIDER_REGION.get(package, ()):
                text = _known_text(_decoded(found[1].get(field)))
                if text:
                    return text
        for key in REGION_CONFIG.get(package, ()):
            text = _known_text(_config_value(self.config.get(key)))
            if text:
                return text
        return None

    def default_tags(self, package: str, provider: str | None
                     ) -> tuple[Mapping[str, Any] | None, bool]:
        """(default tags/labels, whether they are known) for a resource of `package`."""
        spec = DEFAULT_TAGS.get(package)
        if spec is None:
            return None, True
        config_key, input_name, inner = spec
        found = self._providers.get(provider or "")
        value: Any = None
        if found is not None and found[0] == package and input_name in found[1]:
            value = _decoded(found[1][input_name])
        elif config_key in self.config:
            value = _config_value(self.config[config_key])
        if value is None:
            return None, True
        if value == UNKNOWN:
            return None, False
        if inner and isinstance(value, Mapping):
            value = _decoded(value.get(inner))
        if value == UNKNOWN:
            return None, False
        return (value, True) if isinstance(value, Mapping) else (None, True)


def _config_value(value: Any) -> Any:
    """A config entry: a plain value, or `{"value": …, "secret": …}` (the event stream)."""
    if isinstance(value, Mapping) and "value" in value and set(value) <= {"value", "secret"}:
        if value.get("secret"):
            return None
        value = value["value"]
    return _decoded(value)


def unknown_mask(unknown: Iterable[tuple[Any, ...]], fields: Iterable[str]) -> dict[str, Any]:
    """The plan reader's `after_unknown` shape for the tag fields only."""
    wanted = set(fields)
    mask: dict[str, Any] = {}
    for path in unknown:
        if not path or path[0] not in wanted:
            continue
        if len(path) == 1:
            mask[str(path[0])] = True
        elif isinstance(mask.get(path[0]), dict) or path[0] not in mask:
            mask.setdefault(str(path[0]), {})[str(path[1])] = True
    return mask
