"""The reader registry: built-in readers, a toy format registered from outside engine/,
documents read in memory, and the registry's own errors."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from engine.errors import InputError
from engine.model import ChangeSet, ResourceChange
from engine.pipeline import EstimateOptions, estimate_path, read_input
from engine.sources.readers import ReadContext, Reader, Readers, builtin_readers

PLAN = Path(__file__).resolve().parents[2] / "examples" / "training-cluster" / "plan.json"


# --- a toy format, defined entirely here --------------------------------------------------


@dataclass(frozen=True, slots=True)
class ToyOptions:
    instance_type: str = "t3.micro"  # the type a toy machine gets when it names none


def _toy_detect(document):
    return isinstance(document, dict) and document.get("toy") == 1


def _toy_read(document, shown, options: ToyOptions, context: ReadContext) -> ChangeSet:
    changes = []
    for name, spec in sorted(document["machines"].items()):
        after = {"instance_type": spec.get("type", options.instance_type), "tags": {},
                 "root_block_device": [{"volume_size": 8, "volume_type": "gp3"}]}
        changes.append(ResourceChange(
            address=f"aws_instance.{name}", type="aws_instance", name=name, provider="aws",
            action="create", actions=("create",), before=None, after=after,
            region=spec.get("region", context.default_region), tags_after={}))
    return ChangeSet(source_format="toy", source_path=shown, changes=tuple(changes))


TOY = Reader("toy", _toy_read, detect_document=_toy_detect, options=ToyOptions,
             description="a toy JSON format")
TOY_DOC = {"toy": 1, "machines": {"a": {"type": "g5.xlarge"}, "b": {}}}


def test_a_toy_reader_is_read_end_to_end_into_a_priced_estimate(tmp_path):
    readers = builtin_readers().with_readers(TOY)
    options = EstimateOptions(default_region="us-east-1",
                              reader_options={"toy": ToyOptions(instance_type="m5.large")})
    est = estimate_path(TOY_DOC, options, readers=readers)  # a document, in memory
    assert est.changeset.source_format == "toy"
    types = {c.address: c.after["instance_type"] for c in est.changeset.changes}
    assert types == {"aws_instance.a": "g5.xlarge", "aws_instance.b": "m5.large"}
    costs = {r.change.address: r for r in est.resources}
    assert all(r.status == "priced" for r in costs.values()), costs
    assert all(r.after.hourly > Decimal(0) for r in costs.values())
    # the same document from a file, with the reader's option at its default
    path = tmp_path / "machines.json"
    path.write_text(json.dumps(TOY_DOC), encoding="utf-8")
    from_file = estimate_path(path, EstimateOptions(default_region="us-east-1"), readers=readers)
    assert from_file.changeset.changes[1].after["instance_type"] == "t3.micro"
    assert from_file.changeset.source_path == str(path)
    # without the reader, the toy document is not recognised
    with pytest.raises(InputError, match="not a Terraform plan"):
        read_input(TOY_DOC)


def test_a_parsed_plan_document_reads_as_its_file_does():
    document = json.loads(PLAN.read_text(encoding="utf-8"))
    from_doc = read_input(document, name="pr-42/plan.json")
    from_file = read_input(PLAN)
    assert from_doc.source_format == "terraform-plan" == from_file.source_format
    assert from_doc.source_path == "pr-42/plan.json"
    assert [c.address for c in from_doc.changes] == [c.address for c in from_file.changes]
    preview = read_input({"steps": []}, name="preview")
    assert (preview.source_format, preview.source_path, preview.changes) == \
        ("pulumi-preview", "preview", ())
    with pytest.raises(InputError, match=r"^<document>: not a Terraform plan: the document is "
                                         r"an array"):
        read_input([1, 2])


def test_base_with_a_document_is_refused():
    from engine.sources.terraform_readers import HclOptions

    options = EstimateOptions(reader_options={"terraform-hcl": HclOptions(base="main")})
    with pytest.raises(InputError, match="--base compares two directories of .tf files; "
                                         "this is a document"):
        read_input({"resource_changes": []}, options, name="plan")


@pytest.mark.parametrize("text, fmt", [
    ('{"resource_changes": []}', "terraform-plan"),
    ('{"steps": []}', "pulumi-preview"),
    ('{"deployment": {}}', "pulumi-export"),
    ('{"sequence": 0, "preludeEvent": {"config": {}}}\n{"sequence": 1, "cancelEvent": {}}\n',
     "pulumi-events"),
])
def test_builtin_readers_claim_their_formats(tmp_path, text, fmt):
    from engine.sources.detect import read_changeset

    path = tmp_path / "input.json"
    path.write_text(text, encoding="utf-8")
    changeset = read_changeset(path)
    assert (changeset.source_format, changeset.changes) == (fmt, ())


def test_builtin_registry_names_and_order():
    assert builtin_readers().names() == ("terraform-state", "terraform-plan", "terraform-hcl",
                                         "pulumi-preview", "pulumi-export", "pulumi-events")


def test_registry_refuses_duplicates_and_bad_entries():
    with pytest.raises(ValueError, match="two readers are named 'terraform-plan'"):
        builtin_readers().with_readers(Reader("terraform-plan", _toy_read,
                                              detect_document=_toy_detect))
    with pytest.raises(ValueError, match="detects nothing"):
        Reader("blind", _toy_read)
    with pytest.raises(ValueError, match="needs a name"):
        Reader("", _toy_read, detect_document=_toy_detect)
    with pytest.raises(ValueError, match="read must be callable"):
        Reader("x", None, detect_document=_toy_detect)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not a Reader"):
        Readers([TOY, "terraform-plan"])  # type: ignore[list-item]


def test_a_reader_may_refuse_a_near_miss_with_its_message():
    near = Reader("near", _toy_read, detect_document=lambda d: "is a toy draft, not a toy"
                  if isinstance(d, dict) and "draft" in d else False)
    with pytest.raises(InputError) as err:
        read_input({"draft": 1}, name="x.json", readers=[near])
    assert str(err.value) == "x.json: is a toy draft, not a toy"
