"""Input options declared once and shared by the commands; commands stay thin (no command
imports another as a library, none reaches into the HCL parser or prices by itself)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from engine.errors import InputError

REPO = Path(__file__).resolve().parent.parent
COMMANDS = REPO / "engine" / "commands"
INPUT = ["--usage", "u.yml", "--region", "eu-west-1", "--price-book", "pb.yml",
         "--base", "../main", "--var", "a=b=c", "--var-file", "x.tfvars"]


def _options(argv):
    from engine.cli import _settings, build_parser
    from engine.commands.options import estimate_options

    args = build_parser(argv[0]).parse_args(argv)
    args.settings = _settings([])
    return estimate_options(args)


@pytest.mark.parametrize("argv", [
    ["estimate", "plan.json", *INPUT],
    ["check", "plan.json", *INPUT],
    ["graph", "plan.json", *INPUT],
    ["breakdown", "plan.json", *INPUT],
    ["comment", "github", "--repo", "o/n", "--pr", "1", "--from-plan", "plan.json", *INPUT],
])
def test_every_command_reads_the_same_input_options(argv):
    from engine.cli import _settings
    from engine.pipeline import EstimateOptions
    from engine.sources.terraform_readers import HclOptions

    assert _options(argv) == EstimateOptions(
        usage_file="u.yml", default_region="eu-west-1", price_books=("pb.yml",),
        settings=_settings([]),
        reader_options={"terraform-hcl": HclOptions(
            var_files=("x.tfvars",), variables=(("a", "b=c"),), base="../main")})


def test_commands_without_reader_options_get_none():
    assert _options(["diff", "a.json", "b.json", "--region", "us-east-1"]).reader_options == ()
    assert _options(["hook", "check", "--usage", "u.yml"]).usage_file == "u.yml"


def test_a_bad_var_is_one_line_exit_2():
    with pytest.raises(InputError, match=r"^--var 'novalue': expected NAME=VALUE$"):
        _options(["estimate", "plan.json", "--var", "novalue"])


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            found.add(base)
            found.update(f"{base}.{a.name}" if node.module is None else base
                         for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


@pytest.mark.parametrize("module", sorted(p.name for p in COMMANDS.glob("*.py")))
def test_commands_are_thin(module):
    imports = _imports(COMMANDS / module)
    # no HCL internals, no pricing by hand: through the readers and the pipeline
    assert not {i for i in imports if "sources.hcl" in i or "terraform_hcl" in i
                or i.endswith(("costs.base", "pricing"))}, imports
    # commands share options.py; no other command module is used as a library
    siblings = {i.lstrip(".").split(".")[0] for i in imports
                if i.startswith(".") and not i.startswith("..")}
    allowed = {"options", ""} | ({"policy"} if module == "hook.py" else set())
    assert siblings <= allowed, siblings


def test_the_hcl_reader_carries_override_files_on_the_location(tmp_path):
    from engine.pipeline import EstimateOptions, read_input
    from engine.sources.terraform_readers import HclOptions

    (tmp_path / "main.tf").write_text('resource "aws_instance" "a" {\n  ami = "x"\n}\n'
                                      'resource "aws_instance" "b" {\n  ami = "y"\n}\n')
    override = tmp_path / "a_override.tf"
    override.write_text('resource "aws_instance" "a" {\n  tags = { team = "t" }\n}\n')
    full = read_input(tmp_path)
    locations = {c.address: c.source for c in full.changes}
    assert locations["aws_instance.a"].overridden_in == (str(override),)
    assert locations["aws_instance.b"].overridden_in == ()
    # the tag hook's read: tags only, only what the changed override file changes
    hcl = HclOptions(tags_only=True, files=(str(override),))
    only = read_input(tmp_path, EstimateOptions(reader_options={"terraform-hcl": hcl}))
    assert [(c.address, dict(c.after)) for c in only.changes] == [
        ("aws_instance.a", {"tags": {"team": "t"}})]


def test_a_changeset_is_priced_or_not_through_the_pipeline():
    from engine.pipeline import estimate_changeset, read_input

    changeset = read_input(REPO / "examples" / "training-cluster" / "plan.json")
    priced = estimate_changeset(changeset)
    unpriced = estimate_changeset(changeset, price=False)
    assert any(r.status == "priced" for r in priced.resources)
    assert not any(r.status == "priced" for r in unpriced.resources)
    assert [r.change for r in unpriced.resources] == [r.change for r in priced.resources]
