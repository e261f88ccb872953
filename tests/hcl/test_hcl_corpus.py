"""Every directory of .tf files in the public corpus reads; GPU types are found."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.sources.terraform_hcl import read_hcl

pytestmark = pytest.mark.corpus


def _dirs(corpus: Path) -> list[Path]:
    return sorted({p.parent for p in corpus.rglob("*.tf")})


def _text(cs) -> str:
    return json.dumps([c.after for c in cs.changes])


def test_every_corpus_directory_reads(corpus: Path) -> None:
    dirs = _dirs(corpus)
    assert len(dirs) >= 27
    for d in dirs:
        cs = read_hcl(d)
        assert cs.source_format == "terraform-hcl"
        for c in cs.changes:
            assert c.source is not None and c.source.line
            for path in c.unknown_paths:  # every unknown path points at a None leaf
                node = c.after
                for step in path:
                    if not isinstance(node, (dict, list)):
                        break
                    node = node[step] if isinstance(node, list) else node.get(step)
                else:
                    assert node is None, (d, c.address, path)


def _change(cs, address: str):
    return next(c for c in cs.changes if c.address == address)


def test_llm_sagemaker_local_module(corpus: Path) -> None:
    cs = read_hcl(corpus / "llm-sagemaker/examples/basic")
    cfg = _change(cs, "module.sagemaker_endpoint.aws_sagemaker_endpoint_configuration.llm")
    assert cfg.after["production_variants"][0]["instance_type"] == "ml.g5.2xlarge"
    assert cfg.region == "us-east-1"
    model = _change(cs, "module.sagemaker_endpoint.aws_sagemaker_model.huggingface_hub_model")
    assert model.after["primary_container"][0]["environment"]["SM_NUM_GPUS"] == 1


@pytest.mark.parametrize(("example", "address"), [
    ("autoscaling_example", "aws_sagemaker_endpoint_configuration.huggingface[0]"),
    ("async_inference", "aws_sagemaker_endpoint_configuration.huggingface_async[0]"),
])
def test_sagemaker_huggingface_examples(corpus: Path, example: str, address: str) -> None:
    cs = read_hcl(corpus / "sagemaker-huggingface/examples" / example)
    cfg = _change(cs, "module.huggingface_sagemaker." + address)
    assert cfg.after["production_variants"][0]["instance_type"] == "ml.g4dn.xlarge"
    assert len([c for c in cs.changes if "endpoint_configuration" in c.type]) == 1


def test_serverless_example_has_no_instance_type(corpus: Path) -> None:
    cs = read_hcl(corpus / "sagemaker-huggingface/examples/serverless_inference")
    cfg = _change(cs, "module.huggingface_sagemaker."
                      "aws_sagemaker_endpoint_configuration.huggingface_serverless[0]")
    variant = cfg.after["production_variants"][0]
    assert "instance_type" not in variant
    assert variant["serverless_config"] == [{"max_concurrency": 1, "memory_size_in_mb": 1024}]


@pytest.mark.parametrize(("directory", "types"), [
    ("infracost/internal/providers/terraform/google/testdata/compute_instance_test",
     ["nvidia-tesla-k80", "nvidia-l4"]),
    ("infracost/internal/providers/terraform/google/testdata/container_node_pool_test",
     ["nvidia-tesla-k80", "nvidia-tesla-a100"]),
    ("infracost/internal/providers/terraform/azure/testdata/virtual_machine_test",
     ["Standard_NC6s_v3", "Standard_NC8as_T4_v3", "Standard_NC96ads_A100_v4",
      "Standard_ND96isr_H100_v5", "Standard_NV72ads_A10_v5"]),
    ("infracost/internal/providers/terraform/azure/testdata/machine_learning_compute_cluster_test",
     ["Standard_NC6", "Standard_NC24"]),
    ("terraform-aws-eks/tests/eks-managed-node-group", []),
])
def test_literal_gpu_types_found(corpus: Path, directory: str, types: list[str]) -> None:
    text = _text(read_hcl(corpus / directory))
    for t in types:
        assert f'"{t}"' in text, t


def test_azure_vm_for_each_and_region(corpus: Path) -> None:
    cs = read_hcl(corpus / "infracost/internal/providers/terraform/azure/testdata/"
                           "virtual_machine_test")
    vm = _change(cs, 'azurerm_virtual_machine.linux_vms["Standard_ND96isr_H100_v5"]')
    assert vm.after["vm_size"] == "Standard_ND96isr_H100_v5"
    assert vm.region == "eastus"  # location = azurerm_resource_group.main.location


@pytest.mark.parametrize(("pattern", "gpu"), [
    ("nvidia-gpu-efa", "p5.48xlarge"), ("ml-capacity-block", "p5e.48xlarge"),
    ("aws-neuron-efa", "trn1.32xlarge"), ("multi-node-vllm", "g6e.8xlarge"),
    ("targeted-odcr", "p5.48xlarge"),
])
def test_eks_blueprints_gpus_sit_behind_remote_modules(corpus: Path, pattern: str,
                                                        gpu: str) -> None:
    d = corpus / "eks-blueprints/patterns" / pattern
    cs = read_hcl(d)
    assert any(w.startswith("module.eks (source terraform-aws-modules/eks/aws")
               and w.endswith("not read: remote module") for w in cs.warnings)
    assert gpu in "".join(p.read_text() for p in d.glob("*.tf"))
    assert f'"{gpu}"' not in _text(cs)
    assert cs.complete is False


def test_a3_gke_module_with_its_test_tfvars(corpus: Path) -> None:
    base = "ai-infra-cluster-provisioning/"
    tfvars = corpus / base / "test/pr/a3/terraform/modules/cluster/gke/input/gke-gpu.tfvars"
    plain = read_hcl(corpus / base / "a3/terraform/modules/cluster/gke")
    assert not any(c.type == "google_container_node_pool" and c.index == 0 for c in plain.changes)
    cs = read_hcl(corpus / base / "a3/terraform/modules/cluster/gke", var_files=[tfvars])
    pool = _change(cs, "google_container_node_pool.node-pools[0]")
    # machine_type comes from `optional(string, "a3-highgpu-8g")` in the variable's type.
    assert pool.after["node_config"][0]["machine_type"] == "a3-highgpu-8g"
    assert pool.after["node_locations"] == ["us-east4-a"]
