"""The CrossGuard adapter: validation functions called with pulumi_policy's own argument
objects (no CLI, no gRPC server)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pp = pytest.importorskip("pulumi_policy")

from engine.integrations.crossguard import judge_for, policies_for  # noqa: E402
from engine.integrations.crossguard_steps import plain  # noqa: E402

STACK, PROJECT = "dev", "ml"
TAGS = {"team": "ml-research", "project": "llm", "environment": "dev",
        "cost-center": "CC-1234"}
ROOT = Path(__file__).resolve().parents[2]


def urn(token: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{token}::{name}"


def opts(parent: str | None = None) -> "pp.PolicyResourceOptions":
    return pp.PolicyResourceOptions(False, [], None, [], pp.PolicyCustomTimeouts(0, 0, 0), [],
                                    parent)


def aws_provider(region: str = "us-east-1") -> "pp.PolicyProviderResource":
    return pp.PolicyProviderResource("pulumi:providers:aws", {"region": region},
                                     urn("pulumi:providers:aws", "default"), "default")


def gpu_props(tags: dict | None = None, instance_type: str = "g5.12xlarge") -> dict:
    props: dict = {"ami": "ami-0123", "instanceType": instance_type}
    if tags is not None:
        props["tags"] = tags
    return props


def resource_args(name: str, props: dict, provider=None) -> "pp.ResourceValidationArgs":
    return pp.ResourceValidationArgs("aws:ec2/instance:Instance", props,
                                     urn("aws:ec2/instance:Instance", name), name, opts(),
                                     provider if provider is not None else aws_provider())


def stack_args(*resources: tuple[str, dict]) -> "pp.StackValidationArgs":
    provider = aws_provider()
    return pp.StackValidationArgs([
        pp.PolicyResource("aws:ec2/instance:Instance", props,
                          urn("aws:ec2/instance:Instance", name), name, opts(), provider,
                          None, [], {})
        for name, props in resources])


@pytest.fixture(scope="module")
def pack() -> dict:
    return {p.name: p for p in policies_for(judge_for(policies=[str(ROOT / "policies")]))}


def run(policy, args) -> list[tuple[str, str | None]]:
    seen: list[tuple[str, str | None]] = []
    policy.validate(args, lambda message, urn=None: seen.append((message, urn)))
    return seen


def test_levels_are_mapped(pack):
    assert isinstance(pack["required-tags"], pp.ResourceValidationPolicy)
    assert pack["required-tags"].enforcement_level == pp.EnforcementLevel.MANDATORY
    assert pack["gp3-not-gp2"].enforcement_level == pp.EnforcementLevel.ADVISORY
    assert pack["no-spot-prod-inference"].enforcement_level == pp.EnforcementLevel.MANDATORY
    assert isinstance(pack["gpu-quota"], pp.StackValidationPolicy)
    assert isinstance(pack["change-monthly-limit"], pp.StackValidationPolicy)


def test_untagged_gpu_instance_reports_required_tags(pack):
    args = resource_args("train", gpu_props())
    found = run(pack["required-tags"], args)
    assert len(found) == 1
    message, where = found[0]
    assert where == args.urn
    assert "aws_instance.train" in message and "team" in message
    large = run(pack["no-large-gpu-in-dev"], resource_args("big", gpu_props(
        TAGS, "p4d.24xlarge")))
    assert len(large) == 1 and "p4d" in large[0][0]


def test_tagged_gpu_instance_reports_nothing(pack):
    on_demand = resource_args("train", gpu_props(TAGS))
    reported = {name for name, policy in pack.items()
                if isinstance(policy, pp.ResourceValidationPolicy) and run(policy, on_demand)}
    assert reported == {"spot-for-nonprod-training"}
    assert pack["spot-for-nonprod-training"].enforcement_level == pp.EnforcementLevel.ADVISORY
    args = resource_args("train", {**gpu_props(TAGS),
                                   "instanceMarketOptions": {"marketType": "spot"}})
    for name, policy in pack.items():
        if isinstance(policy, pp.ResourceValidationPolicy):
            assert run(policy, args) == [], name


def test_too_many_gpus_report_the_quota_from_the_stack_policy(pack):
    # g5.12xlarge has 4 GPUs; ml-research may run 16 in dev
    five = stack_args(*((f"train{i}", gpu_props(TAGS)) for i in range(5)))
    found = run(pack["gpu-quota"], five)
    assert len(found) == 1 and found[0][1] is None
    assert "20 GPUs" in found[0][0] and "quota is 16" in found[0][0]
    four = stack_args(*((f"train{i}", gpu_props(TAGS)) for i in range(4)))
    assert run(pack["gpu-quota"], four) == []


def test_a_waiver_suppresses_the_finding(tmp_path):
    waivers = tmp_path / "waivers.yml"
    waivers.write_text("version: 1\nwaivers:\n  - id: W-1\n    policy: required-tags\n"
                       "    resources: [aws_instance.train]\n    reason: r\n    owner: o\n"
                       "    expires: 2099-01-01\n")
    judge = judge_for(policies=[str(ROOT / "policies")], waivers=str(waivers))
    pack = {p.name: p for p in policies_for(judge)}
    assert run(pack["required-tags"], resource_args("train", gpu_props())) == []
    assert len(run(pack["required-tags"], resource_args("other", gpu_props()))) == 1


def test_region_from_the_provider_then_stack_config_then_the_pack_option():
    from engine.integrations.crossguard_steps import resource_changes

    def region(args, **kw):
        return {c.region for c in resource_changes(args, **kw).changes}

    with_provider = resource_args("a", gpu_props(TAGS), aws_provider("us-west-2"))
    assert region(with_provider, region="eu-west-1") == {"us-west-2"}
    bare = pp.ResourceValidationArgs("aws:ec2/instance:Instance", gpu_props(TAGS),
                                     urn("aws:ec2/instance:Instance", "b"), "b", opts(), None)
    assert region(bare, region="eu-west-1") == {"eu-west-1"}
    assert region(bare, config={"aws:region": "ap-south-1"}, region="eu-west-1") == \
        {"ap-south-1"}


def test_proxies_secrets_and_unknowns_become_preview_values():
    from pulumi_policy.proxy import unknown_checking_proxy
    from pulumi_policy.secret import Secret

    props = unknown_checking_proxy({"a": "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
                                    "b": [{"c": "x"}]})
    assert plain(props) == {"a": "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "b": [{"c": "x"}]}
    assert plain({"password": Secret("hunter2")}) == {"password": "[secret]"}


def test_the_core_never_imports_pulumi_policy():
    code = ("import sys, engine, engine.session, engine.integrations.crossguard_steps; "
            "engine.Session(policies=None).check({'format_version': '1.2', "
            "'resource_changes': []}); print('pulumi_policy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


def test_a_group_judged_on_its_launch_template_is_reported_by_the_stack(pack):
    provider = aws_provider()
    template = pp.PolicyResource(
        "aws:ec2/launchTemplate:LaunchTemplate",
        {"name": "gpu-lt", "instanceType": "p4d.24xlarge", "imageId": "ami-1", "tags": TAGS},
        urn("aws:ec2/launchTemplate:LaunchTemplate", "gpu"), "gpu", opts(), provider, None,
        [], {})
    group = pp.PolicyResource(
        "aws:autoscaling/group:Group",
        {"launchTemplate": {"name": "gpu-lt", "version": "$Latest"}, "minSize": 1,
         "maxSize": 2, "desiredCapacity": 1,
         "tags": [{"key": k, "value": v, "propagateAtLaunch": True} for k, v in TAGS.items()]},
        urn("aws:autoscaling/group:Group", "workers"), "workers", opts(), provider, None,
        [template], {})
    alone = pp.ResourceValidationArgs(group.resource_type, group.props, group.urn, group.name,
                                      group.opts, group.provider)
    assert run(pack["no-large-gpu-in-dev"], alone) == []  # its instance type is elsewhere
    found = run(pack["related-mandatory"], pp.StackValidationArgs([template, group]))
    assert ("no-large-gpu-in-dev: aws_autoscaling_group.workers can launch p4d.24xlarge "
            "(p4d) in dev: large GPU classes need a waiver in development", group.urn) in found
    assert pack["related-mandatory"].enforcement_level == pp.EnforcementLevel.MANDATORY
    # what the resource alone shows is reported once, by its resource policy
    untagged = resource_args("lone", gpu_props())
    lone = pp.PolicyResource(untagged.resource_type, untagged.props, untagged.urn,
                             untagged.name, untagged.opts, untagged.provider, None, [], {})
    assert not any(urn_ == lone.urn and "required-tags" in m for m, urn_ in run(
        pack["related-mandatory"], pp.StackValidationArgs([lone])))


def test_the_example_pack_serves_every_policy(monkeypatch):
    served = {}

    def fake_pack(name, policies):
        served.update(name=name, policies=policies)

    monkeypatch.setattr(pp, "PolicyPack", fake_pack)
    code = (ROOT / "examples" / "pulumi" / "__main__.py").read_text()
    exec(compile(code, "__main__.py", "exec"), {"__name__": "__main__"})
    names = {p.name for p in served["policies"]}
    assert served["name"] == "costwarden"
    assert {"required-tags", "gpu-quota", "change-monthly-limit", "related-mandatory"} <= names
    assert len(names) == len(served["policies"])  # unique, as CrossGuard requires


def test_a_bad_urn_is_one_clear_input_error(pack):
    from engine.errors import InputError

    args = pp.ResourceValidationArgs("aws:ec2/instance:Instance", gpu_props(), "not-a-urn",
                                     "x", opts(), None)
    with pytest.raises(InputError, match="not a Pulumi URN"):
        run(pack["required-tags"], args)


def test_a_secret_never_reaches_a_message(pack):
    from pulumi_policy.secret import Secret

    args = resource_args("train", gpu_props({**TAGS, "team": Secret("s3cr3t-team"),
                                             "cost-center": Secret("s3cr3t-cc")}))
    messages = [m for policy in pack.values()
                if isinstance(policy, pp.ResourceValidationPolicy)
                for m, _ in run(policy, args)]
    assert messages and not any("s3cr3t" in m for m in messages)
