"""The HCL parser runs without position propagation: every syntax tree, line and
error must be those of python-hcl2's own parser (which propagates positions)."""

from __future__ import annotations

import sys
from pathlib import Path

import hcl2.parser
import pytest

from engine.errors import InputError
from engine.sources.hcl import parse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from support import require_corpus  # noqa: E402

REPO = Path(__file__).resolve().parents[2]

_SNIPPETS = [
    'resource "aws_instance" "a" {\n  ami = "x"\n  tags = {\n    team = "ml"\n  }\n}\n',
    '\n\n# comment\nlocals {\n  x = [\n    1,\n    2\n  ]\n  y = {\n\n a = "${var.b}-c"\n }\n}\n',
    'variable "v" {\n  default = <<EOT\nline\n  ${x}\nEOT\n}\n',
    'a = (\n  1 +\n  2\n)\nb = [for k, v in var.m : "${k}=${v}" if v != ""]\n',
    'a = ""\nb = "${}"\n',  # an empty template; a malformed one
    'resource "x" "${y}" {\n}\n',  # labels cannot contain interpolations
    'a = 1\na = 2\n',  # duplicate argument: the line of the second
    'a = 99999999999999999999999999999999999999999\n',
    'block {\n  x = \n}\n', 'a = {\n', '"unterminated\n', 'a = 1 +\n\n',
]


def _read(text: str, name: str) -> object:
    try:
        return parse.parse_text(text, name)
    except InputError as exc:
        return ("error", str(exc))


def _both(text: str, name: str) -> tuple[object, object]:
    fast = _read(text, name)
    saved = parse._parser
    parse._parser = hcl2.parser.parser  # python-hcl2's parser, positions propagated
    try:
        recorded = _read(text, name)
    finally:
        parse._parser = saved
    return fast, recorded


def test_the_parser_propagates_no_positions():
    assert parse._parser().options.propagate_positions is False


@pytest.mark.parametrize("text", _SNIPPETS)
def test_trees_lines_and_errors_are_python_hcl2s(text):
    fast, recorded = _both(text, "snippet.tf")
    assert fast == recorded


def test_every_corpus_and_example_file_reads_the_same():
    files = sorted(require_corpus().rglob("*.tf")) + sorted((REPO / "examples").rglob("*.tf"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        fast, recorded = _both(text, str(path))
        assert fast == recorded, path
