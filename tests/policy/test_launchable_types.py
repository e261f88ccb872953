"""Groups are judged on every instance type they may launch (issue 9 item 6): an
auto scaling group's mixed-instances overrides, a node group's instance_types, an
endpoint configuration's variants. Family and GPU-class conditions fail when any
type violates them, the evidence names it, and quotas count the most GPUs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PROVIDER = '''
provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = { team = "ml-research", project = "llm", environment = "dev", "cost-center" = "CC-1234" }
  }
}
'''
GROUPS = PROVIDER + '''
resource "aws_launch_template" "lt" {
  name          = "lt"
  image_id      = "ami-1"
  instance_type = "g5.xlarge"
}
resource "aws_autoscaling_group" "mixed" {
  min_size         = 2
  max_size         = 2
  desired_capacity = 2
  mixed_instances_policy {
    launch_template {
      launch_template_specification {
        launch_template_id = aws_launch_template.lt.id
      }
      override {
        instance_type = "g5.xlarge"
      }
      override {
        instance_type = "p5.48xlarge"
      }
    }
  }
}
resource "aws_eks_node_group" "ng" {
  cluster_name   = "c"
  node_role_arn  = "arn"
  subnet_ids     = ["s"]
  instance_types = ["g5.xlarge", "p4d.24xlarge"]
  scaling_config {
    desired_size = 1
    min_size     = 1
    max_size     = 1
  }
}
'''
ENDPOINT = PROVIDER + '''
resource "aws_sagemaker_endpoint_configuration" "cfg" {
  name = "cfg"
  production_variants {
    variant_name           = "a"
    model_name             = "m"
    instance_type          = "ml.g5.xlarge"
    initial_instance_count = 1
  }
  production_variants {
    variant_name           = "b"
    model_name             = "m"
    instance_type          = var.second_type
    initial_instance_count = 1
  }
}
variable "second_type" {
  type    = string
  default = "ml.p4d.24xlarge"
}
resource "aws_sagemaker_endpoint" "ep" {
  name                 = "ep"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.cfg.name
}
'''
ALLOWED_FAMILIES = '''version: 1
policies:
  - id: allowed-families
    description: Only g5 and ml.g5 machines.
    level: hard-mandatory
    message: "{address} can launch {violating}, outside the allowed families"
    select:
      types: [aws_autoscaling_group, aws_eks_node_group, aws_sagemaker_endpoint]
    require:
      instance_family: {in: [g5, ml.g5]}
  - id: h100-free
    description: No H100 or A100 GPUs.
    level: soft-mandatory
    message: "{address} can run {violating}"
    select:
      types: [aws_autoscaling_group, aws_eks_node_group, aws_sagemaker_endpoint]
    require:
      gpu_model: {not_in: [NVIDIA H100, NVIDIA A100 40GB]}
'''


def _check(cli, directory: Path, *extra: str) -> dict:  # type: ignore[no-untyped-def]
    result = cli("check", directory, "--format", "json", *extra)
    assert result.code in (0, 1), result.err
    return json.loads(result.out)


def _by(doc: dict, policy: str) -> dict[str, dict]:
    return {f["address"] or f["group"]: f for f in doc["findings"] if f["policy_id"] == policy}


@pytest.fixture
def groups(tmp_path: Path) -> Path:
    (tmp_path / "main.tf").write_text(GROUPS)
    return tmp_path


@pytest.fixture
def endpoint(tmp_path: Path) -> Path:
    (tmp_path / "main.tf").write_text(ENDPOINT)
    return tmp_path


def test_a_large_gpu_type_listed_second_fails_in_dev(cli, groups: Path) -> None:  # type: ignore[no-untyped-def]
    found = _by(_check(cli, groups), "no-large-gpu-in-dev")
    asg, ng = found["aws_autoscaling_group.mixed"], found["aws_eks_node_group.ng"]
    assert asg["outcome"] == ng["outcome"] == "fail" and asg["blocking"]
    assert asg["evidence"]["violating"] == "p5.48xlarge (p5)"
    assert ng["evidence"]["violating"] == "p4d.24xlarge (p4d)"
    assert "can launch p5.48xlarge (p5) in dev" in asg["message"]
    assert "aws_launch_template.lt" not in found  # the template alone launches g5


def test_hard_mandatory_allowed_families_and_gpu_class(cli, groups: Path,  # type: ignore[no-untyped-def]
                                                       tmp_path_factory) -> None:
    pack = tmp_path_factory.mktemp("pack")
    (pack / "families.yaml").write_text(ALLOWED_FAMILIES)
    doc = _check(cli, groups, "--policies", pack)
    families = _by(doc, "allowed-families")
    assert families["aws_autoscaling_group.mixed"]["level"] == "hard-mandatory"
    assert families["aws_autoscaling_group.mixed"]["evidence"]["violating"] == "p5.48xlarge (p5)"
    assert families["aws_eks_node_group.ng"]["outcome"] == "fail"
    gpus = _by(doc, "h100-free")
    assert gpus["aws_autoscaling_group.mixed"]["evidence"]["violating"] == \
        "p5.48xlarge (NVIDIA H100)"
    assert gpus["aws_eks_node_group.ng"]["evidence"]["violating"] == "p4d.24xlarge (NVIDIA A100 40GB)"


def test_an_endpoint_is_judged_on_every_variant_of_its_configuration(  # type: ignore[no-untyped-def]
        cli, endpoint: Path) -> None:
    found = _by(_check(cli, endpoint), "no-large-gpu-in-dev")
    assert found["aws_sagemaker_endpoint.ep"]["evidence"]["violating"] == \
        "ml.p4d.24xlarge (ml.p4d)"
    assert found["aws_sagemaker_endpoint_configuration.cfg"]["outcome"] == "fail"


def test_an_endpoint_whose_cost_is_unknown_still_sees_its_variants() -> None:
    """The endpoint's model declares its configuration's variants (`launchable`) even
    when a third variant's type is known only after apply, so its cost is unknown."""
    from policy_helpers import change
    from engine.model import ChangeSet
    from engine.pricing import estimate
    from engine.policy.taggable import load_taggable
    from engine.policy.world import World
    from engine.usage import Usage
    from pricing_catalog import load_catalog

    variants = [{"instance_type": t, "initial_instance_count": 1}
                for t in ("ml.g5.xlarge", "ml.p5.48xlarge", None)]
    cfg = change("aws_sagemaker_endpoint_configuration", "cfg", after={
        "name": "cfg", "production_variants": variants},
        unknown=(("production_variants", 2, "instance_type"),))
    ep = change("aws_sagemaker_endpoint", "ep", after={"endpoint_config_name": "cfg"})
    est = estimate(ChangeSet("terraform-plan", "plan.json", (cfg, ep)), catalog=load_catalog(),
                   usage=Usage())
    assert est.resources[1].status == "unknown"
    world = World.build(est.resources, load_taggable())
    subject = world.by_address["aws_sagemaker_endpoint.ep"]
    assert subject.instance_types("after") == (("ml.g5.xlarge", "ml.p5.48xlarge"), False)
    assert subject.gpu_models("after") == (("NVIDIA A10G", "NVIDIA H100"), False)


def test_the_gpu_quota_counts_the_most_gpus_a_group_may_hold(cli, groups: Path) -> None:  # type: ignore[no-untyped-def]
    quota = _by(_check(cli, groups), "gpu-quota")["team=ml-research,environment=dev"]
    # 2 instances that may all be p5.48xlarge (8 GPUs) + 1 node that may be a p4d (8)
    assert quota["evidence"]["proposed_gpus"] == "24"
    assert quota["outcome"] == "fail"  # the dev quota of ml-research is 16


@pytest.mark.parametrize("weights, most", [
    ((None, None), 16),  # 2 instances of either type: 2 x p5.48xlarge
    (("1", "2"), 8),     # 2 units: 2 x g5.xlarge or 1 x p5.48xlarge (weight 2)
])
def test_weighted_capacity_counts_instances_of_each_type(weights, most) -> None:  # type: ignore[no-untyped-def]
    import dataclasses
    from decimal import Decimal

    from policy_helpers import change, cost, side
    from engine.policy.taggable import load_taggable
    from engine.policy.world import World

    overrides = [{"instance_type": t, **({"weighted_capacity": w} if w else {})}
                 for t, w in zip(("g5.xlarge", "p5.48xlarge"), weights)]
    asg = change("aws_autoscaling_group", "g", after={"mixed_instances_policy": [
        {"launch_template": [{"override": overrides}]}]})
    from engine.clouds.aws.autoscaling import group_launchable
    from engine.costs.base import SideView

    priced = side("1", gpus={"NVIDIA A10G": 2}, instances=(("g5.xlarge", "on_demand"),))
    priced = dataclasses.replace(priced, components=tuple(
        dataclasses.replace(c, quantity=Decimal(2)) for c in priced.components),
        launchable=group_launchable(SideView(asg, "after", asg.after, asg.region)))
    world = World.build((cost(asg, priced),), load_taggable())
    assert world.by_address["aws_autoscaling_group.g"].gpu_count("after") == most
