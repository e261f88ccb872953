"""Values shared between the instances of one resource, and the dependency scan."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from engine.sources.hcl.config import expr_refs
from engine.sources.hcl.functions import call
from engine.sources.terraform_hcl import read_hcl

Tree = Callable[..., Path]


def test_for_expressions_shared_between_instances(tree: Tree) -> None:
    root = tree({"main.tf": '''
variable "disks" {
  default = { b = 500, c = 0, d = 1000 }
}
resource "aws_instance" "a" {
  count = 3
  tags  = { for k, v in var.disks : k => "${v}-${count.index}" }
  dynamic "ebs_block_device" {
    for_each = { for k, v in var.disks : k => v if v > 0 }
    content {
      device_name = "/dev/sd${ebs_block_device.key}"
      volume_size = ebs_block_device.value + count.index
    }
  }
}
'''})
    changes = {c.address: c.after for c in read_hcl(root).changes}
    for i in range(3):
        after = changes[f"aws_instance.a[{i}]"]
        assert after["tags"] == {"b": f"500-{i}", "c": f"0-{i}", "d": f"1000-{i}"}
        assert after["ebs_block_device"] == [
            {"device_name": "/dev/sdb", "volume_size": 500 + i},
            {"device_name": "/dev/sdd", "volume_size": 1000 + i},
        ]


def test_errors_reported_for_each_instance(tree: Tree) -> None:
    root = tree({"main.tf": '''
resource "aws_instance" "a" {
  count = 2
  tags  = { for k in [1] : k => tonumber("x") }
}
'''})
    cs = read_hcl(root)
    assert [c.after["tags"] for c in cs.changes] == [None, None]
    assert sum("aws_instance.a[0].tags" in w for w in cs.warnings) == 1
    assert sum("aws_instance.a[1].tags" in w for w in cs.warnings) == 1


def test_block_after_attribute_of_same_name_leaves_the_local_alone(tree: Tree) -> None:
    root = tree({"main.tf": '''
locals {
  disks = [{ size = 1 }]
}
resource "aws_instance" "a" {
  count = 2
  disk  = local.disks
  disk {
    size = 2
  }
}
output "disks" {
  value = local.disks
}
'''})
    for c in read_hcl(root).changes:
        assert c.after["disk"] == [{"size": 1}, {"size": 2}]


def test_chain_references_and_index_expressions() -> None:
    # data.t.n[aws_instance.k.id].x: the chain and the reference in its index
    expr = ["GA", ["IX", ["GA", ["GA", ["V", "data"], "t"], "n"],
                   ["GA", ["GA", ["V", "aws_instance"], "k"], "id"]], "x"]
    out: set[str] = set()
    locals_used: set[str] = set()
    expr_refs(["B", "+", ["GA", ["V", "local"], "a"], expr], out, locals_used)
    assert out == {"data.t.n", "aws_instance.k"}
    assert locals_used == {"a"}


def test_format_specs_are_reused() -> None:
    assert call("format", ["%s-%02d-%d", "team", 3, 7]) == "team-03-7"
    assert call("format", ["%s-%02d-%d", "x", 10, 0]) == "x-10-0"
    assert call("format", ["%[2]s %[1]s %%", "a", "b"]) == "b a %"


def test_dependencies_reach_every_argument_item_pair_and_template_part(tmp_path):
    from engine.sources.terraform_hcl import read_hcl

    (tmp_path / "main.tf").write_text('''
variable "x" { default = "a" }
resource "aws_instance" "b" { instance_type = "t3.medium" }
resource "aws_instance" "c" { instance_type = "t3.medium" }
resource "aws_instance" "d" { instance_type = "t3.medium" }
resource "aws_instance" "e" { instance_type = "t3.medium" }
resource "aws_instance" "a" {
  instance_type = "t3.medium"
  ami       = lookup(aws_instance.b.tags, "x", "y")
  tags      = { Name = aws_instance.c.id, Other = "V${var.x}" }
  user_data = "${aws_instance.d.id}-x %{ if var.x == "a" }${aws_instance.e.arn}%{ endif }"
}
''')
    changes = {c.address: c for c in read_hcl(tmp_path).changes}
    a = changes["aws_instance.a"]
    assert a.depends_on == ("aws_instance.b", "aws_instance.c", "aws_instance.d",
                            "aws_instance.e")
    assert a.tags_after == {"Other": "Va"} and a.unknown_tag_keys == {"Name"}
