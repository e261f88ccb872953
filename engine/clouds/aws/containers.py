"""aws_eks_cluster (control plane hours), aws_eks_fargate_profile (pod vCPU- and
GB-hours from usage) and aws_ecs_service on Fargate (task CPU and memory × desired count)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping

from pricing_catalog.keys import PriceKey

from ...costs.base import CostComponent, CostModel, SideView, UnknownAttribute, UsageField
from ...costs.numbers import COUNT, QUANTITY
from .common import first_related, soft, text, usage_component

HOURS_PER_MONTH = Decimal(730)
EXTENDED_HOURS = UsageField("extended_support_hours",
                            "hours per month the cluster's Kubernetes version is in extended "
                            "support (billed at the extended-support rate)")
FARGATE_VCPU_HOURS = UsageField("vcpu_hours", "vCPU-hours of Fargate pods per month")
FARGATE_GB_HOURS = UsageField("gb_hours", "GB-hours of Fargate pod memory per month")
CPU_UNITS_PER_VCPU = Decimal(1024)
MIB_PER_GB = Decimal(1024)


@dataclass(frozen=True, slots=True)
class ClusterSpec:
    region: str | None
    support_type: str  # "STANDARD" or "EXTENDED" (upgrade_policy; the provider default)


def extract_cluster(view: SideView) -> ClusterSpec:
    support, _ = soft(view.get, "upgrade_policy", 0, "support_type")
    return ClusterSpec(view.region, (text(support) or "EXTENDED").upper())


def cluster_components(spec: ClusterSpec,
                       usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    def key(support: str) -> PriceKey:
        return PriceKey.of("aws", "eks", "cluster", spec.region, support=support)
    extended = usage.get(EXTENDED_HOURS.name)
    if extended is None or spec.support_type != "EXTENDED":
        reason = None
        if spec.support_type == "EXTENDED":
            reason = ("extended support is billed at a higher rate once the Kubernetes version "
                      f"leaves standard support; set usage '{EXTENDED_HOURS.name}' to price it")
        return (CostComponent("control plane (standard support)", key("standard"), "hour",
                              "hour", Decimal(1), reason=reason),)
    extended = min(Decimal(extended), HOURS_PER_MONTH)
    return (
        CostComponent("control plane (standard support)", key("standard"), "hour", "month",
                      HOURS_PER_MONTH - extended),
        CostComponent("control plane (extended support)", key("extended"), "hour", "month",
                      extended),
    )


@dataclass(frozen=True, slots=True)
class FargateProfileSpec:
    region: str | None


def extract_fargate_profile(view: SideView) -> FargateProfileSpec:
    return FargateProfileSpec(view.region)


def fargate_profile_components(spec: FargateProfileSpec,
                               usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    return (
        usage_component("Fargate vCPU", PriceKey.of("aws", "eks", "fargate_vcpu", spec.region,
                                                    architecture="x86_64"),
                        "vCPU-hour", usage, FARGATE_VCPU_HOURS.name),
        usage_component("Fargate memory", PriceKey.of("aws", "eks", "fargate_memory",
                                                      spec.region, architecture="x86_64"),
                        "GB-hour", usage, FARGATE_GB_HOURS.name),
    )


@dataclass(frozen=True, slots=True)
class EcsServiceSpec:
    region: str | None
    fargate: bool  # False: tasks run on EC2 capacity billed on its instances
    purchase_option: str  # on_demand (FARGATE) or spot (FARGATE_SPOT)
    tasks: Decimal
    vcpu: Decimal
    memory_gb: Decimal
    architecture: str  # x86_64, arm64


def _capacity(view: SideView) -> tuple[bool, str]:
    launch = text(soft(view.get, "launch_type")[0])
    providers = [text(b.get("capacity_provider")) for b in view.blocks(
        "capacity_provider_strategy")]
    if "FARGATE_SPOT" in providers and "FARGATE" not in providers:
        return True, "spot"
    if launch == "FARGATE" or "FARGATE" in providers:
        return True, "on_demand"
    return False, "on_demand"


def extract_ecs_service(view: SideView) -> EcsServiceSpec:
    fargate, option = _capacity(view)
    if not fargate:
        return EcsServiceSpec(view.region, False, option, Decimal(0), Decimal(0), Decimal(0), "")
    tasks = view.number("desired_count", kind=COUNT)
    if tasks is None:
        raise UnknownAttribute(("desired_count",), "not set")
    task = first_related(view, "aws_ecs_task_definition", "task_definition",
                         "the task definition")
    cpu = task.number("cpu", kind=QUANTITY)
    memory = task.number("memory", kind=QUANTITY)
    if cpu is None or memory is None:
        raise UnknownAttribute(("task_definition",),
                               "the task definition sets no task-level cpu and memory")
    arch = text(soft(task.get, "runtime_platform", 0, "cpu_architecture")[0]) or "X86_64"
    return EcsServiceSpec(view.region, True, option, tasks, cpu / CPU_UNITS_PER_VCPU,
                          memory / MIB_PER_GB, "arm64" if arch.upper() == "ARM64" else "x86_64")


def ecs_service_components(spec: EcsServiceSpec,
                           usage: Mapping[str, Decimal]) -> tuple[CostComponent, ...]:
    if not spec.fargate:
        return ()  # EC2 launch type: the container instances carry the cost
    def key(product: str) -> PriceKey:
        return PriceKey.of("aws", "ecs", product, spec.region, spec.purchase_option,
                           architecture=spec.architecture)
    return (
        CostComponent(f"Fargate vCPU ({spec.tasks} × {spec.vcpu} vCPU)", key("fargate_vcpu"),
                      "vCPU-hour", "hour", spec.tasks * spec.vcpu),
        CostComponent(f"Fargate memory ({spec.tasks} × {spec.memory_gb} GB)",
                      key("fargate_memory"), "GB-hour", "hour", spec.tasks * spec.memory_gb),
    )


MODELS: tuple[CostModel, ...] = (
    CostModel("aws_eks_cluster", extract_cluster, cluster_components, (EXTENDED_HOURS,),
              note="control plane hourly; extended support from usage"),
    CostModel("aws_eks_fargate_profile", extract_fargate_profile, fargate_profile_components,
              (FARGATE_VCPU_HOURS, FARGATE_GB_HOURS), note="pods' vCPU- and GB-hours from usage"),
    CostModel("aws_ecs_service", extract_ecs_service, ecs_service_components,
              note="Fargate tasks: task cpu and memory × desired_count"),
)
