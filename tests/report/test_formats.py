"""The renderer registry: --format choices per command, a toy format registered from
outside engine/ and rendered through the command line, and the registry's own errors."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout

import pytest

from engine.report.formats import OutputFormat, OutputFormats, Report, builtin_formats

PLAN = "examples/training-cluster/plan.json"


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch):
    from pathlib import Path

    monkeypatch.chdir(Path(__file__).resolve().parents[2])


@pytest.mark.parametrize("command, names", [
    ("estimate", ("table", "json", "markdown")),
    ("check", ("table", "json", "markdown", "sarif", "junit")),
    ("graph", ("mermaid", "dot", "json", "html")),
    ("diff", ("table", "json", "markdown")),
    ("breakdown", ("table", "json")),
    ("scan", ("table", "json", "markdown", "html")),
    ("policy", ()),
])
def test_each_command_offers_its_formats_in_order(command, names):
    assert builtin_formats().names(command) == names


def _run(argv, formats=None):
    from engine.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv, formats=formats)
    return code, out.getvalue(), err.getvalue()


def _toy(report: Report) -> str:
    blocking = report.result.blocking if report.result is not None else None
    return f"toy {report.command} {len(report.estimate.resources)} resources {blocking}\n"


def test_a_toy_format_renders_through_the_command_line():
    toy = OutputFormat("toy", ("estimate", "check"), _toy, "one line")
    formats = builtin_formats().with_formats(toy)
    code, out, err = _run(["estimate", PLAN, "--format", "toy"], formats)
    assert (code, out) == (0, "toy estimate 7 resources None\n"), err
    code, out, _ = _run(["check", PLAN, "--format", "toy"], formats)
    assert code == 1 and out.startswith("toy check ") and out.endswith(" True\n")
    # the built-in registry does not know it: argparse's own one-line usage error
    code, out, err = _run(["estimate", PLAN, "--format", "toy"])
    assert code == 2 and "invalid choice: 'toy' (choose from 'table', 'json', 'markdown')" in err
    # a command the toy format is not registered for does not offer it
    code, _, err = _run(["graph", PLAN, "--format", "toy"], formats)
    assert code == 2 and "invalid choice: 'toy'" in err


def test_registry_refuses_duplicates_and_bad_entries():
    with pytest.raises(ValueError, match="command 'check' has two output formats named 'json'"):
        builtin_formats().with_formats(OutputFormat("json", ("check",), _toy))
    with pytest.raises(ValueError, match="commands must be a non-empty tuple"):
        OutputFormat("x", "estimate", _toy)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="commands must be a non-empty tuple"):
        OutputFormat("x", (), _toy)
    with pytest.raises(ValueError, match="render must be callable"):
        OutputFormat("x", ("estimate",), "engine.report.table:render")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="needs a name"):
        OutputFormat("", ("estimate",), _toy)
    with pytest.raises(TypeError, match="not an OutputFormat"):
        OutputFormats(["json"])  # type: ignore[list-item]
    with pytest.raises(KeyError, match="command 'estimate' has no output format 'sarif'"):
        builtin_formats().get("estimate", "sarif")


def test_builtin_renderers_are_imported_on_first_use():
    import subprocess
    import sys

    code = ("import sys\nfrom engine.report.formats import builtin_formats\n"
            "builtin_formats().names('check')\n"
            "print(sorted(m for m in sys.modules if m.startswith('engine.report.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "['engine.report.formats']"
