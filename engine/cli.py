"""Command line: parse arguments, dispatch to a command module, map errors to exit codes.

Each command lives in `engine/commands/<name>.py` with two functions,
``add_parser(subparsers, formats)`` and ``run(args) -> int`` (`formats`: the output
formats registry, for the commands that offer --format). Command modules import
their heavy dependencies inside `run`, so building the parser stays cheap and
`costwarden --version` imports nothing heavy.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys

TYPE_CHECKING = False  # typing is not imported at start-up
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Sequence

from . import __version__
from .errors import EXIT_BAD_INPUT, EXIT_INTERNAL, CostwardenError

# command name -> module under engine.commands (explicit: no discovery by globbing)
COMMANDS: dict[str, str] = {
    "estimate": "estimate",
    "check": "check",
    "policy": "policy",
    "catalog": "catalog",
    "graph": "graph", "breakdown": "breakdown",
    "hook": "hook",
    "diff": "diff", "comment": "comment",
    "scan": "scan",
}


class _UsageError(CostwardenError):
    exit_code = EXIT_BAD_INPUT


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        raise _UsageError(f"{self.prog}: {message}")


def build_parser(only: str | None = None, formats: Any = None) -> argparse.ArgumentParser:
    """The parser of every command, or of `only` (a run needs one command's options:
    building all of them costs ~50 ms, a tenth of a warm pre-commit hook). `formats`
    (an `engine.report.formats.OutputFormats`) replaces the built-in output formats."""
    parser = _Parser(prog="costwarden",
                     description="Price infrastructure changes and enforce cost policies.")
    parser.add_argument("--version", action="version", version=f"costwarden {__version__}")
    parser.add_argument("--limit", action="append", default=[], metavar="NAME=VALUE",
                        help="raise or lower a safety limit (see engine/settings.py), repeatable")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, module in COMMANDS.items():
        if only is not None and name != only:
            continue
        try:
            mod = importlib.import_module(f"engine.commands.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"engine.commands.{module}":
                raise
            continue
        mod.add_parser(sub, formats)
    return parser


def _settings(limit_args: list[str]):  # type: ignore[no-untyped-def]
    """The run's `Settings`: the global `--limit NAME=VALUE` options, the parse cache
    from the environment (read here, once), HCL parsing on every CPU."""
    import os

    from .settings import DEFAULT_LIMITS, Settings

    limits = DEFAULT_LIMITS
    overrides: dict[str, str] = {}
    for item in limit_args:
        name, sep, value = item.partition("=")
        if not sep:
            raise _UsageError(f"costwarden: --limit takes NAME=VALUE, not {item!r}")
        overrides[name.strip()] = value.strip()
    if overrides:
        try:
            limits = limits.with_overrides(overrides)
        except ValueError as exc:
            raise _UsageError(f"costwarden: --limit: {exc}") from None
    return Settings.from_environment(os.environ, limits, cpus=os.cpu_count())


def main(argv: Sequence[str] | None = None, *, formats: Any = None) -> int:
    """Run one command; `formats` replaces the built-in output formats (see
    engine/report/formats.py)."""
    from .report.safe_text import guarded_streams

    with guarded_streams():  # no input text can print a CI workflow command
        return _main(argv, formats)


def _main(argv: Sequence[str] | None, formats: Any = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list == ["--version"]:  # argparse's version action imports shutil (and bz2, lzma)
        print(f"costwarden {__version__}")
        return 0
    try:
        first = next((a for a in args_list if not a.startswith("-")), None)
        only = first if first in COMMANDS else None
        if only is None and "--version" in args_list and "-h" not in args_list \
                and "--help" not in args_list:
            only = ""  # the version needs no command's parser (nor its imports)
        parser = build_parser(only, formats)
        args = parser.parse_args(args_list)
        if not getattr(args, "command", None):
            parser.print_help(sys.stderr)
            return EXIT_BAD_INPUT
        args.settings = _settings(args.limit)
        from .redact import reset

        reset()  # sensitive values of an earlier run in this process do not carry over
        # One short run builds many small objects and few cycles: the cyclic
        # garbage collector would only rescan them (a third of the time on
        # large plans), so it is paused for the command.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            return int(args.run(args))
        finally:
            if gc_was_enabled:
                gc.enable()
    except _UsageError as exc:  # already starts with the program name
        print(exc, file=sys.stderr)
        return exc.exit_code
    except CostwardenError as exc:
        print(f"costwarden: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return exc.exit_code
    except SystemExit as exc:  # argparse --version / --help
        return exc.code if isinstance(exc.code, int) else 0
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # pragma: no cover - the last line of defence
        print(f"costwarden: internal error: {type(exc).__name__}: {exc} "
              "(please report this with the input that caused it)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
