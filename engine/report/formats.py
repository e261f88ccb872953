"""The renderer registry: every output format, the commands that offer it, and its renderer.

A renderer takes one `Report` (what a command produced, and its parsed options
for display: comment key, show-unchanged, max nodes) and returns the text. The
same name may be offered by several commands with a renderer each ("json" of
`estimate` is not "json" of `check`); a (command, name) pair is unique. The
built-in renderers import their modules on first use. To add a format: one
`OutputFormat(...)` line in `_builtin()` (or pass an `OutputFormats` to
`engine.cli.main(argv, formats=...)`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator


@dataclass(frozen=True, slots=True)
class Report:
    """What a command hands its renderer."""

    command: str
    estimate: Any = None  # the priced change (every command but diff)
    result: Any = None  # the policy evaluation (check; graph with findings)
    graph: Any = None  # the cost-diff graph (graph)
    document: Any = None  # the command's own result (diff document, breakdown)
    options: Any = None  # the parsed arguments (display options)

    def option(self, name: str, default: Any = None) -> Any:
        return getattr(self.options, name, default)


@dataclass(frozen=True, slots=True)
class OutputFormat:
    name: str  # the --format value
    commands: tuple[str, ...]  # the commands that offer it
    render: Callable[[Report], str]
    description: str = ""
    machine_readable: bool = False  # a document for tools (no workflow commands mixed in)
    uses_findings: bool = False  # the command evaluates policies for it (graph html)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"an output format needs a name, got {self.name!r}")
        if isinstance(self.commands, str) or not self.commands:
            raise ValueError(f"output format {self.name!r}: commands must be a non-empty "
                             "tuple of command names")
        if not callable(self.render):
            raise ValueError(f"output format {self.name!r}: render must be callable")


class OutputFormats:
    """An ordered set of output formats; (command, name) is unique."""

    def __init__(self, formats: Iterable[OutputFormat]) -> None:
        found: dict[tuple[str, str], OutputFormat] = {}
        for fmt in formats:
            if not isinstance(fmt, OutputFormat):
                raise TypeError(f"not an OutputFormat: {fmt!r}")
            for command in fmt.commands:
                if (command, fmt.name) in found:
                    raise ValueError(f"command {command!r} has two output formats named "
                                     f"{fmt.name!r}")
                found[(command, fmt.name)] = fmt
        self._formats = found

    def __iter__(self) -> Iterator[OutputFormat]:
        return iter(dict.fromkeys(self._formats.values()))

    def names(self, command: str) -> tuple[str, ...]:
        """The --format choices of `command`, in registry order."""
        return tuple(name for (cmd, name) in self._formats if cmd == command)

    def get(self, command: str, name: str) -> OutputFormat:
        try:
            return self._formats[(command, name)]
        except KeyError:
            raise KeyError(f"command {command!r} has no output format {name!r}") from None

    def render(self, report: Report, name: str) -> str:
        return self.get(report.command, name).render(report)

    def with_formats(self, *extra: OutputFormat) -> "OutputFormats":
        return OutputFormats([*self, *extra])

    def add_option(self, parser: Any, command: str, default: str) -> None:
        """Declare `--format` on a command's parser, its choices from this registry."""
        parser.add_argument("--format", choices=self.names(command), default=default)
        parser.set_defaults(output_formats=self)


@lru_cache(maxsize=1)
def builtin_formats() -> OutputFormats:
    return OutputFormats(_builtin())


# --- the built-in renderers (each imports its module on first use) ----------------------


def _estimate_table(r: Report) -> str:
    from .table import render_estimate

    return render_estimate(r.estimate, show_unchanged=r.option("show_unchanged", False))


def _estimate_json(r: Report) -> str:
    from .json_report import render

    return render(r.estimate)


def _markdown(r: Report) -> str:
    from .markdown import render

    return render(r.estimate, r.result, comment_key=r.option("comment_key"))


def _check_table(r: Report) -> str:
    from .findings import render_findings
    from .table import render_estimate

    return render_estimate(r.estimate) + render_findings(r.result)


def _check_json(r: Report) -> str:
    from .findings import check_document
    from .json_report import dumps

    return dumps(check_document(r.estimate, r.result))


def _sarif(r: Report) -> str:
    from .sarif import render

    return render(r.estimate, r.result)


def _junit(r: Report) -> str:
    from .junit import render

    return render(r.estimate, r.result)


def _mermaid(r: Report) -> str:
    from .mermaid import mermaid

    return mermaid(r.graph, max_nodes=r.option("max_nodes") or 50)


def _dot(r: Report) -> str:
    from .dot import dot

    return dot(r.graph)


def _graph_json(r: Report) -> str:
    from ..graph import render_json

    return render_json(r.graph)


def _html(r: Report) -> str:
    from .html import DEFAULT_MAX_NODES, render_html

    findings = r.result.findings if r.result is not None else ()
    return render_html(r.graph, findings, max_nodes=r.option("max_nodes") or DEFAULT_MAX_NODES)


def _diff_table(r: Report) -> str:
    from .diff_text import render_table

    return render_table(r.document, r.option("show_unchanged", False))


def _diff_json(r: Report) -> str:
    from .json_report import dumps, jsonable

    return dumps(jsonable(r.document))  # read from two input documents


def _diff_markdown(r: Report) -> str:
    from .diff_text import render_markdown

    return render_markdown(r.document, r.option("comment_key"), r.option("show_unchanged", False))


def _breakdown_table(r: Report) -> str:
    from .breakdown import render_table

    return render_table(r.document, r.estimate.changeset.source_path, r.estimate.currency)


def _breakdown_json(r: Report) -> str:
    import json

    from .breakdown import breakdown_document

    doc = breakdown_document(r.document, r.estimate.currency)
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _scan(fmt: str) -> Callable[[Report], str]:
    def render(r: Report) -> str:
        from ..fleet.render import render as render_scan

        return render_scan(r.document, fmt)
    return render


def _builtin() -> list[OutputFormat]:
    return [
        OutputFormat("table", ("estimate",), _estimate_table, "terminal table"),
        OutputFormat("json", ("estimate",), _estimate_json, "the JSON contract",
                     machine_readable=True),
        OutputFormat("table", ("check",), _check_table, "terminal table and findings"),
        OutputFormat("json", ("check",), _check_json, "the JSON contract with findings",
                     machine_readable=True),
        OutputFormat("markdown", ("estimate", "check"), _markdown, "pull-request comment"),
        OutputFormat("sarif", ("check",), _sarif, "SARIF 2.1.0 for code scanning",
                     machine_readable=True),
        OutputFormat("junit", ("check",), _junit, "JUnit XML for CI test reports",
                     machine_readable=True),
        OutputFormat("mermaid", ("graph",), _mermaid, "Mermaid flowchart"),
        OutputFormat("dot", ("graph",), _dot, "Graphviz DOT"),
        OutputFormat("json", ("graph",), _graph_json, "node-link JSON",
                     machine_readable=True),
        OutputFormat("html", ("graph",), _html, "a self-contained HTML page",
                     uses_findings=True),
        OutputFormat("table", ("diff",), _diff_table, "terminal table"),
        OutputFormat("json", ("diff",), _diff_json, "the diff document",
                     machine_readable=True),
        OutputFormat("markdown", ("diff",), _diff_markdown, "pull-request comment"),
        OutputFormat("table", ("breakdown",), _breakdown_table, "terminal table"),
        OutputFormat("json", ("breakdown",), _breakdown_json, "the breakdown document",
                     machine_readable=True),
        OutputFormat("table", ("scan",), _scan("table"), "terminal table"),
        OutputFormat("json", ("scan",), _scan("json"), "the fleet scan document",
                     machine_readable=True),
        OutputFormat("markdown", ("scan",), _scan("markdown"), "a fleet report in Markdown"),
        OutputFormat("html", ("scan",), _scan("html"), "a self-contained HTML page"),
    ]
