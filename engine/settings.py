"""Run settings: one frozen object the command line builds and passes down.

Library code takes a `Settings` (or its `Limits`) as an argument with the
defaults below; nothing reads the environment deep in a module. Every limit
bounds the time or memory one hostile input can cost, and hitting one is an
input error (exit 2) that names the place, never a hang or a crash.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Mapping


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
    """Everything a run is configured with that is not an input file.

    The defaults are a library's: parse in this process, no parse cache on disk.
    The command line builds its Settings with `from_environment` (a parse cache
    under ~/.cache/costwarden, parallel HCL parsing on every CPU), as it always did.
    """

    limits: Limits = field(default_factory=Limits)
    # HCL parse worker processes: 0 or 1 parses in this process (no process pool is
    # ever started); N > 1 starts up to N when a parse is large enough to pay for it.
    parallel: int = 0
    # Root of the content-keyed parse cache (engine/filecache.py); None: no cache.
    cache_dir: Path | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.parallel, int) or self.parallel < 0:
            raise ValueError(f"parallel must be a whole number >= 0, not {self.parallel!r}")

    @classmethod
    def from_environment(cls, environ: Mapping[str, str], limits: Limits | None = None,
                         cpus: int | None = None) -> "Settings":
        """The command line's settings: the parse cache in `$COSTWARDEN_CACHE_DIR`
        (`off`, `none`, `0` or `false` disable it), else `$XDG_CACHE_HOME/costwarden`,
        else `~/.cache/costwarden`; HCL parsing on up to `cpus` processes."""
        return cls(limits=limits or DEFAULT_LIMITS, parallel=max(0, cpus or 0),
                   cache_dir=cache_root(environ))


def cache_root(environ: Mapping[str, str]) -> Path | None:
    """Where the parse cache lives according to `environ` (see Settings.from_environment)."""
    env = environ.get("COSTWARDEN_CACHE_DIR")
    if env is not None and env.strip():
        if env.strip().lower() in ("off", "none", "0", "false"):
            return None
        return Path(env).expanduser()
    xdg = environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "costwarden"


DEFAULT_LIMITS = Limits()
DEFAULT_SETTINGS = Settings()
