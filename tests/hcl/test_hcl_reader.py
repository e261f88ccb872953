"""read_hcl: expansion, variables, providers, modules, unknowns, diffs, errors."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from engine.errors import InputError
from engine.model import ChangeSet, ResourceChange
from engine.sources.terraform_hcl import read_hcl

FIXTURES = Path(__file__).parent / "fixtures"

Tree = Callable[..., Path]
STACK = FIXTURES / "gpu_stack"


def by_address(cs: ChangeSet) -> dict[str, ResourceChange]:
    return {c.address: c for c in cs.changes}


@pytest.fixture(scope="module")
def stack() -> dict[str, ResourceChange]:
    mp = pytest.MonkeyPatch()
    mp.setenv("COSTWARDEN_CACHE_DIR", "off")
    try:
        return by_address(read_hcl(STACK))
    finally:
        mp.undo()


def test_stack_addresses(stack: dict[str, ResourceChange]) -> None:
    assert sorted(stack) == sorted([
        "aws_instance.gpu[0]", "aws_instance.gpu[1]",
        'aws_instance.trainer["alpha"]', 'aws_instance.trainer["beta"]',
        "aws_subnet.main", "random_pet.release", "aws_iam_role.trainer",
        'module.cluster["blue"].aws_eks_cluster.this',
        'module.cluster["blue"].module.nodes[0].aws_eks_node_group.this',
        'module.cluster["blue"].module.nodes[0].aws_iam_role.node',
        'module.cluster["green"].aws_eks_cluster.this',
        'module.cluster["green"].module.nodes[0].aws_eks_node_group.this',
        'module.cluster["green"].module.nodes[0].aws_iam_role.node',
    ])
    gpu0 = stack["aws_instance.gpu[0]"]
    assert (gpu0.index, gpu0.name, gpu0.type, gpu0.action) == (0, "gpu", "aws_instance", "create")
    assert gpu0.before is None and gpu0.actions == ("create",)
    assert stack['aws_instance.trainer["beta"]'].index == "beta"
    nodes = stack['module.cluster["blue"].module.nodes[0].aws_eks_node_group.this']
    assert nodes.module_path == ('module.cluster["blue"]', "module.nodes[0]")


def test_count_index_locals_and_nested_blocks(stack: dict[str, ResourceChange]) -> None:
    gpu0, gpu1 = stack["aws_instance.gpu[0]"], stack["aws_instance.gpu[1]"]
    assert gpu0.after["instance_type"] == "p5.48xlarge"
    assert gpu1.after["instance_type"] == "g6e.8xlarge"
    assert gpu1.after["root_block_device"] == [{"volume_size": 200}]
    assert gpu0.after["tags"]["Name"] == "dev-llm-gpu-0"  # locals in any order
    assert gpu0.after["ebs_block_device"] == [  # dynamic block over a known list
        {"device_name": "/dev/sd0", "volume_size": 50},
        {"device_name": "/dev/sd1", "volume_size": 500}]
    assert gpu0.source is not None and gpu0.source.line == 8
    assert gpu0.source.file.endswith("gpu_stack/main.tf")


def test_for_each_with_optional_object_attributes(stack: dict[str, ResourceChange]) -> None:
    alpha = stack['aws_instance.trainer["alpha"]']
    beta = stack['aws_instance.trainer["beta"]']
    assert alpha.after["instance_type"] == "p4d.24xlarge"
    assert alpha.after["root_block_device"] == [{"volume_size": 200}]  # optional() default
    assert beta.after["root_block_device"] == [{"volume_size": 500}]


def test_unknowns_are_marked_not_guessed(stack: dict[str, ResourceChange]) -> None:
    gpu0 = stack["aws_instance.gpu[0]"]
    assert gpu0.after["ami"] is None and ("ami",) in gpu0.unknown_paths  # data source
    alpha = stack['aws_instance.trainer["alpha"]']
    assert ("subnet_id",) in alpha.unknown_paths  # computed attribute of a resource
    assert ("tags", "Release") in alpha.unknown_paths
    # A configured attribute of another resource is known, as in a plan.
    nodes = stack['module.cluster["blue"].module.nodes[0].aws_eks_node_group.this']
    assert nodes.after["cluster_name"] == "dev-llm-blue"
    assert ("node_role_arn",) in nodes.unknown_paths


def test_tfvars_precedence_and_default_tags(stack: dict[str, ResourceChange]) -> None:
    gpu0 = stack["aws_instance.gpu[0]"]
    # b.auto.tfvars (last in lexical order) wins over a.auto.tfvars and terraform.tfvars.
    assert gpu0.tags_after == {"ManagedBy": "terraform", "Team": "from-b-auto",
                               "Project": "llm", "Env": "dev", "Name": "dev-llm-gpu-0"}
    assert gpu0.region == "eu-west-1" and gpu0.provider_config_key == "aws"
    alpha = stack['aws_instance.trainer["alpha"]']
    assert alpha.region == "us-west-2" and alpha.provider_config_key == "aws.west"
    assert alpha.tags_after == {"ManagedBy": "terraform-west", "Name": "alpha"}
    assert alpha.unknown_tag_keys == {"Owner", "Release"}
    assert stack["random_pet.release"].tags_after is None
    assert stack["random_pet.release"].provider == "random"


def test_module_inputs_and_provider_map(stack: dict[str, ResourceChange]) -> None:
    blue = stack['module.cluster["blue"].module.nodes[0].aws_eks_node_group.this']
    green = stack['module.cluster["green"].module.nodes[0].aws_eks_node_group.this']
    assert blue.after["instance_types"] == ["trn1.32xlarge"]
    assert green.after["instance_types"] == ["g5.2xlarge"]
    assert blue.region == "us-west-2" and blue.provider_config_key == "aws.west"
    assert blue.tags_after == {"ManagedBy": "terraform-west", "Cluster": "dev-llm-blue"}


def test_depends_on_from_references(stack: dict[str, ResourceChange]) -> None:
    assert stack['aws_instance.trainer["alpha"]'].depends_on == (
        "aws_iam_role.trainer", "aws_subnet.main", "random_pet.release")
    assert stack["aws_instance.gpu[0]"].depends_on == ("data.aws_ami.dl",)
    nodes = stack['module.cluster["green"].module.nodes[0].aws_eks_node_group.this']
    assert nodes.depends_on == ('module.cluster["green"].module.nodes[0].aws_iam_role.node',)


def test_remote_module_is_listed() -> None:
    cs = read_hcl(STACK)
    assert "module.vpc (source terraform-aws-modules/vpc/aws, version ~> 5.0) not read: " \
        "remote module" in cs.warnings
    assert cs.complete is False and cs.source_format == "terraform-hcl"


def test_var_files_and_cli_vars_override(tmp_path: Path) -> None:
    vf = tmp_path / "prod.tfvars"
    vf.write_text('team = "from-var-file"\ngpu_count = 3\n')
    cs = read_hcl(STACK, var_files=[vf], variables={"gpu_count": "1", "env": "prod",
                                                  "trainers": '{ x = { instance_type = "p5.48xlarge" } }'})
    got = by_address(cs)
    assert "aws_instance.gpu[1]" not in got  # -var gpu_count=1 beats the var file's 3
    assert got["aws_instance.gpu[0]"].tags_after["Team"] == "from-var-file"
    assert got["aws_instance.gpu[0]"].after["tags"]["Env"] == "prod"
    assert got['aws_instance.trainer["x"]'].after["instance_type"] == "p5.48xlarge"


def test_unknown_count_and_for_each(tree: Tree) -> None:
    root = tree({"main.tf": '''
resource "aws_instance" "a" {
  count         = length(data.aws_subnets.all.ids)
  instance_type = "p5.48xlarge"
  subnet_id     = "s-${count.index}"
}
resource "aws_instance" "b" {
  for_each      = toset(data.aws_subnets.all.ids)
  instance_type = each.value
}
resource "aws_instance" "c" {
  count = 0
}
'''})
    cs = read_hcl(root)
    got = by_address(cs)
    assert set(got) == {"aws_instance.a", "aws_instance.b"}
    a = got["aws_instance.a"]
    assert a.index is None and a.after["instance_type"] == "p5.48xlarge"
    assert ("subnet_id",) in a.unknown_paths and ("count",) in a.unknown_paths
    assert ("instance_type",) in got["aws_instance.b"].unknown_paths
    assert any("aws_instance.a: count is not known" in w for w in cs.warnings)


def test_dynamic_block_over_unknown_is_unknown(tree: Tree) -> None:
    root = tree({"main.tf": '''
resource "google_compute_instance" "g" {
  machine_type = "a3-highgpu-8g"
  zone         = "us-central1-a"
  labels       = { team = "ml" }
  dynamic "guest_accelerator" {
    for_each = data.x.y.gpus
    iterator = acc
    content {
      type  = acc.value
      count = 8
    }
  }
}
'''})
    g = read_hcl(root).changes[0]
    assert ("guest_accelerator",) in g.unknown_paths
    assert g.region == "us-central1" and g.tags_after == {"team": "ml"}


def test_local_cycle_is_an_input_error(tree: Tree) -> None:
    root = tree({"main.tf": 'locals {\n  a = local.b\n  b = local.a\n}\n'
                            'resource "aws_s3_bucket" "x" {\n  bucket = local.a\n}\n'})
    with pytest.raises(InputError, match=r"main\.tf:\d+: local\.\w: cycle: "):
        read_hcl(root)


def test_bad_hcl_names_file_and_line() -> None:
    with pytest.raises(InputError) as info:
        read_hcl(FIXTURES / "bad")
    text = str(info.value)
    assert text.startswith(str(FIXTURES / "bad" / "main.tf") + ":7: invalid HCL")
    assert info.value.exit_code == 2


@pytest.mark.parametrize("text", ['resource "a" "b" {', 'x = "unterminated\n',
                                  'resource "a" "b" {\n  x = [1,\n}\n', 'a = 1\na = 2\n'])
def test_bad_hcl_variants(tree: Tree, text: str) -> None:
    root = tree({"main.tf": text})
    with pytest.raises(InputError, match=r"main\.tf(:\d+)?: "):
        read_hcl(root)


def test_errors_in_expressions_warn_and_mark_unknown(tree: Tree) -> None:
    root = tree({"main.tf": 'resource "aws_instance" "x" {\n  instance_type = {a = 1}.b\n'
                            '  ami = "ami-1"\n}\n'})
    cs = read_hcl(root)
    x = cs.changes[0]
    assert ("instance_type",) in x.unknown_paths and x.after["ami"] == "ami-1"
    assert any("main.tf:2: aws_instance.x.instance_type:" in w for w in cs.warnings)


def test_missing_variable_value_is_unknown(tree: Tree) -> None:
    root = tree({"main.tf": 'variable "t" {}\nresource "aws_instance" "x" {\n'
                            '  instance_type = var.t\n}\n'})
    cs = read_hcl(root)
    assert ("instance_type",) in cs.changes[0].unknown_paths
    assert any("var.t has no value" in w for w in cs.warnings)


def test_base_diff_actions(tree: Tree) -> None:
    common = 'resource "aws_s3_bucket" "same" {\n  bucket = "b"\n}\n'
    base = tree({"main.tf": common + '''
resource "aws_instance" "gone" {
  instance_type = "g5.xlarge"
}
resource "aws_instance" "changed" {
  instance_type = "g5.xlarge"
}
'''}, root="base")
    head = tree({"main.tf": common + '''
resource "aws_instance" "changed" {
  instance_type = "p5.48xlarge"
}
resource "aws_instance" "new" {
  instance_type = "g6.xlarge"
}
'''}, root="head")
    got = by_address(read_hcl(head, base=base))
    assert {a: c.action for a, c in got.items()} == {
        "aws_s3_bucket.same": "no-op", "aws_instance.changed": "update",
        "aws_instance.new": "create", "aws_instance.gone": "delete"}
    changed = got["aws_instance.changed"]
    assert changed.before == {"instance_type": "g5.xlarge"}
    assert changed.after == {"instance_type": "p5.48xlarge"}
    gone = got["aws_instance.gone"]
    assert gone.after is None and gone.before == {"instance_type": "g5.xlarge"}


def test_heredoc_templatefile_and_path(tree: Tree) -> None:
    root = tree({
        "main.tf": '''
locals {
  script = <<-EOT
    #!/bin/bash
    echo ${upper("x")}
  EOT
}
resource "aws_instance" "x" {
  user_data = local.script
  tags      = { Doc = templatefile("${path.module}/t.tpl", { who = "gpu" }) }
}
''',
        "t.tpl": "hello ${who}%{ if who == \"gpu\" } (fast)%{ endif }"})
    x = read_hcl(root).changes[0]
    assert x.after["user_data"] == "#!/bin/bash\necho X\n"
    assert x.after["tags"] == {"Doc": "hello gpu (fast)"}


def test_not_a_tf_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no .tf files"):
        read_hcl(tmp_path)
    with pytest.raises(InputError, match="not a directory"):
        read_hcl(tmp_path / "missing")


OVERRIDE_BASE = '''
variable "gpus" {
  type    = number
  default = 1
}
locals {
  team = "research"
}
provider "aws" {
  region = "us-east-1"
}
resource "aws_instance" "train" {
  count         = var.gpus
  instance_type = "p4d.24xlarge"
  tags          = { team = local.team, Name = "train" }
  root_block_device {
    volume_size = 100
  }
  ebs_block_device {
    device_name = "/dev/sdb"
    volume_size = 10
  }
}
'''


def test_override_files_merge_into_their_declarations(tree: Tree) -> None:
    root = tree({
        "main.tf": OVERRIDE_BASE,
        "override.tf": 'variable "gpus" {\n  default = 2\n}\nlocals {\n  team = "platform"\n}\n'
                       'provider "aws" {\n  region = "eu-west-1"\n}\n',
        "b_override.tf": 'resource "aws_instance" "train" {\n  instance_type = "p5.48xlarge"\n'
                         '  ebs_block_device {\n    device_name = "/dev/sdc"\n'
                         '    volume_size = 20\n  }\n}\n',
        "a_override.tf": 'resource "aws_instance" "train" {\n  instance_type = "g5.xlarge"\n}\n',
    })
    changes = by_address(read_hcl(root))
    assert sorted(changes) == ["aws_instance.train[0]", "aws_instance.train[1]"]
    train = changes["aws_instance.train[1]"]
    assert train.after["instance_type"] == "p5.48xlarge"  # a_ then b_ then override.tf
    assert train.after["root_block_device"] == [{"volume_size": 100}]  # not overridden
    assert train.after["ebs_block_device"] == [{"device_name": "/dev/sdc", "volume_size": 20}]
    assert train.tags_after == {"team": "platform", "Name": "train"}
    assert train.region == "eu-west-1"
    assert (train.source.file, train.source.line) == (str(root / "main.tf"), 12)


@pytest.mark.parametrize("override, what, line", [
    ('resource "aws_instance" "other" {\n  ami = "x"\n}\n', "aws_instance.other", 1),
    ('\nlocals {\n  nope = 1\n}\n', "local.nope", 3),
    ('variable "missing" {\n  default = 1\n}\n', "variable 'missing'", 1),
    ('provider "aws" {\n  alias = "west"\n}\n', "provider 'aws.west'", 1),
])
def test_an_override_without_its_declaration_is_an_error(tree: Tree, override: str, what: str,
                                                         line: int) -> None:
    root = tree({"main.tf": OVERRIDE_BASE, "x_override.tf": override})
    with pytest.raises(InputError) as err:
        read_hcl(root)
    assert str(err.value) == (f"{root / 'x_override.tf'}:{line}: {what} overrides nothing: "
                              f"no such declaration in {root}")
