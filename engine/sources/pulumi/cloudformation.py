"""CloudFormation stacks deployed by a Pulumi program (`aws:cloudformation/stack:Stack`).

costwarden reads the Pulumi resources, never the template: what a template declares
is not a change of its own, so nothing is counted twice. A template resource that
is also a Pulumi resource of the input (same canonical type, and its logical id is
the Pulumi name or one of its property values is the Pulumi resource's id, name,
bucket or arn) is covered; every other template resource is listed in a warning as
not read.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Mapping

STACK_TYPE = "aws_cloudformation_stack"

# CloudFormation resource type -> canonical type (the priced and common ones)
CFN_TYPES: Mapping[str, str] = {
    "AWS::EC2::Instance": "aws_instance", "AWS::EC2::Volume": "aws_ebs_volume",
    "AWS::EC2::LaunchTemplate": "aws_launch_template", "AWS::EC2::NatGateway": "aws_nat_gateway",
    "AWS::EC2::EIP": "aws_eip", "AWS::EC2::SecurityGroup": "aws_security_group",
    "AWS::EC2::VPC": "aws_vpc", "AWS::EC2::Subnet": "aws_subnet",
    "AWS::AutoScaling::AutoScalingGroup": "aws_autoscaling_group",
    "AWS::EKS::Cluster": "aws_eks_cluster", "AWS::EKS::Nodegroup": "aws_eks_node_group",
    "AWS::S3::Bucket": "aws_s3_bucket", "AWS::EFS::FileSystem": "aws_efs_file_system",
    "AWS::FSx::FileSystem": "aws_fsx_lustre_file_system",
    "AWS::SageMaker::Endpoint": "aws_sagemaker_endpoint",
    "AWS::SageMaker::EndpointConfig": "aws_sagemaker_endpoint_configuration",
    "AWS::SageMaker::NotebookInstance": "aws_sagemaker_notebook_instance",
    "AWS::IAM::Role": "aws_iam_role", "AWS::Lambda::Function": "aws_lambda_function",
}
_IDS = ("id", "name", "bucket", "arn")
_MAX_LISTED = 5


def template_resources(body: Any) -> dict[str, str] | None:
    """Logical id -> CloudFormation type of a template body (JSON or YAML), or None
    when the body cannot be read."""
    if not isinstance(body, str) or not body.strip():
        return None
    document: Any
    try:
        document = json.loads(body)
    except (json.JSONDecodeError, RecursionError):
        document = _yaml(body)
    resources = document.get("Resources") if isinstance(document, dict) else None
    if not isinstance(resources, dict):
        return None
    return {str(k): str(v.get("Type")) for k, v in resources.items()
            if isinstance(v, dict) and isinstance(v.get("Type"), str)}


def _yaml(body: str) -> Any:
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    # CloudFormation's short-form functions (!Ref, !Sub, ...) read as plain values
    _Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    try:
        return yaml.load(body, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError:
        return None


def _strings(value: Any, depth: int = 0) -> Iterable[str]:
    if depth > 16:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v, depth + 1)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, depth + 1)


def unread(stacks: list[Any], changes: list[Any], file: str) -> list[str]:
    """Warnings for what the templates of `stacks` declare and no Pulumi resource is."""
    out = []
    for stack in stacks:
        attrs = stack.after if stack.after is not None else stack.before
        body = (attrs or {}).get("template_body")
        resources = template_resources(body)
        if resources is None:
            if body is not None:
                out.append(f"{file}: {stack.address}: the CloudFormation template body is "
                           "not readable; the resources it declares are not read")
            continue
        document = _document(body)
        missing = []
        for logical_id, cfn_type in sorted(resources.items()):
            ctype = CFN_TYPES.get(cfn_type)
            props = ((document.get("Resources") or {}).get(logical_id) or {}).get(
                "Properties") if isinstance(document, dict) else None
            values = set(_strings(props))
            if ctype is None or not any(_same(c, ctype, logical_id, values) for c in changes):
                missing.append(f"{logical_id} ({cfn_type})")
        if missing:
            shown = ", ".join(missing[:_MAX_LISTED]) + (
                f" and {len(missing) - _MAX_LISTED} more" if len(missing) > _MAX_LISTED else "")
            out.append(f"{file}: {stack.address}: {len(missing)} resource(s) of its "
                       f"CloudFormation template are not read (not priced): {shown}")
    return out


def _document(body: str) -> Any:
    try:
        return json.loads(body)
    except (json.JSONDecodeError, RecursionError):
        return _yaml(body)


def _same(change: Any, ctype: str, logical_id: str, values: set[str]) -> bool:
    if change.type != ctype:
        return False
    if change.name == logical_id:
        return True
    attrs = change.after if change.after is not None else change.before
    ids = {str(attrs.get(k)) for k in _IDS if isinstance(attrs, dict) and attrs.get(k)}
    return bool(ids & values)
