"""Run settings: one frozen object the command line builds and passes down.

Library code takes a `Settings` (or its `Limits`) as an argument with the
defaults below; nothing reads the environment deep in a module. Every limit
bounds the time or memory one hostile input can cost, and hitting one is an
input error (exit 2) that names the place, never a hang or a crash.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps on what one input may make the tool do. Override with `--limit NAME=VALUE`."""

    input_bytes: int = 512 * 1024 * 1024  # one plan, preview, state or .tf file
    config_bytes: int = 16 * 1024 * 1024  # one policy, data, usage, waiver or price-book file
    instances: int = 100_000  # instances of one block from count / for_each
    resources: int = 1_000_000  # resources in one change set
    string_length: int = 1_000_000  # characters in one string an HCL expression builds
    collection_length: int = 100_000  # items in one list, set or map an HCL expression builds
    file_read_bytes: int = 4 * 1024 * 1024  # one HCL file()/templatefile() read
    module_depth: int = 64  # nested module calls
    hcl_steps: int = 1_000_000  # for-expression iterations + resource/module instances, one read
    github_pages: int = 50  # pages of PR comments read while looking for ours
    github_seconds: float = 60.0  # the whole GitHub conversation
    github_response_bytes: int = 32 * 1024 * 1024  # one GitHub API answer

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def with_overrides(self, overrides: dict[str, str]) -> "Limits":
        """A copy with `NAME=VALUE` overrides; a bad name or value raises ValueError."""
        changes: dict[str, int | float] = {}
        kinds = {f.name: f.type for f in fields(self)}
        for name, text in overrides.items():
            key = name.replace("-", "_")
            if key not in kinds:
                raise ValueError(f"unknown limit {name!r} (known: {', '.join(self.names())})")
            try:
                value: int | float = float(text) if kinds[key] == "float" else int(text)
            except ValueError:
                raise ValueError(f"limit {name} must be a number, not {text!r}") from None
            if not value > 0 or value != value or value == float("inf"):
                raise ValueError(f"limit {name} must be a positive finite number, not {text!r}")
            changes[key] = value
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a run is configured with that is not an input file."""

    limits: Limits = field(default_factory=Limits)


DEFAULT_LIMITS = Limits()
DEFAULT_SETTINGS = Settings()
