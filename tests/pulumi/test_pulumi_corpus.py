"""Every Pulumi file of ../shared/corpus/public is read: previews, event streams, exports."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from support import run_cli
from engine.sources.detect import read_changeset

PULUMI = "pulumi/pkg/backend/display/testdata/not-truncated"
STRATIFY = "stratify/test/resources/pulumi"
# file -> (format, action counts); Pulumi's stack, provider and component resources are
# not changes (components are the parent chain of addresses)
FILES = {
    f"{PULUMI}/webserver-userdata.json": ("pulumi-events", {"no-op": 1, "replace": 1}),
    f"{PULUMI}/up.json": ("pulumi-events", {"no-op": 4, "create": 1}),
    f"{PULUMI}/up-interrupted.json": ("pulumi-events", {"create": 2, "update": 1}),
    "pulumi/pkg/resource/stack/testdata/checkpoint-v3.json": ("pulumi-export", {"no-op": 23}),
    f"{STRATIFY}/sample-preview-creates.json": ("pulumi-preview", {"create": 14}),
    f"{STRATIFY}/sample-preview-update.json": ("pulumi-preview", {"no-op": 13, "update": 1}),
    f"{STRATIFY}/sample-preview-deletes.json": ("pulumi-preview", {"no-op": 1, "delete": 13}),
    f"{STRATIFY}/sample-export.json": ("pulumi-export", {"no-op": 14}),
}


def test_every_pulumi_file_of_the_corpus_is_listed(corpus: Path) -> None:
    found = {p.relative_to(corpus).as_posix() for top in ("pulumi", "stratify")
             for p in (corpus / top).rglob("*.json")}
    assert found == set(FILES)


@pytest.mark.parametrize("rel", sorted(FILES))
def test_corpus_pulumi_file_reads(corpus: Path, rel: str) -> None:
    fmt, counts = FILES[rel]
    cs = read_changeset(corpus / rel)
    assert cs.source_format == fmt
    assert dict(Counter(c.action for c in cs.changes)) == counts
    addresses = [c.address for c in cs.changes]
    assert len(set(addresses)) == len(addresses)
    for change in cs.changes:
        assert change.source is not None and change.source.file == str(corpus / rel)
        assert not change.type.startswith("pulumi:")


@pytest.mark.parametrize("rel", sorted(FILES))
def test_corpus_pulumi_file_estimates_and_checks(corpus: Path, rel: str) -> None:
    for command in ("estimate", "check"):
        result = run_cli(command, corpus / rel, "--format", "json")
        assert result.code in (0, 1), result


def test_replacement_steps_are_one_change(corpus: Path) -> None:
    cs = read_changeset(corpus / f"{PULUMI}/webserver-userdata.json")
    web = next(c for c in cs.changes if c.address == "aws_instance.web-server-www")
    assert (web.action, web.replace_order) == ("replace", "create-before-delete")
    assert web.actions == ("create-replacement", "replace", "delete-replaced")
    assert web.type == "aws_instance" and web.region == "us-west-2"
    assert web.before["instance_type"] == web.after["instance_type"] == "t2.micro"
    assert web.tags_after == {"Name": "web-server-www"}


def test_parents_make_the_address_and_dependencies_are_addresses(corpus: Path) -> None:
    cs = read_changeset(corpus / f"{STRATIFY}/sample-export.json")
    by = {c.address: c for c in cs.changes}
    notification = by["aws_s3_bucket.docs.aws_s3_bucket_notification.docsHandler"]
    assert notification.module_path == ("aws_s3_bucket.docs",)
    assert set(notification.depends_on) <= set(by)
    assert "aws_s3_bucket.docs" in notification.depends_on
    assert by["aws_s3_bucket.docs"].region == "eu-west-1"


def test_unknowns_in_a_preview_are_unknown_paths(corpus: Path) -> None:
    cs = read_changeset(corpus / f"{STRATIFY}/sample-preview-creates.json")
    perm = next(c for c in cs.changes if c.type == "aws_lambda_permission")
    assert ("function",) in perm.unknown_paths and "function" not in perm.after
    assert "04da6b54" not in repr([c.after for c in cs.changes])
