"""Writes canary-plan.json: a unique canary string in every sensitive position."""
import json
from pathlib import Path

S = True


def rc(address, type_, before, after, bs, as_, actions):
    name = address.split(".")[-1]
    return {"address": address, "mode": "managed", "type": type_, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": actions, "before": before, "after": after,
                       "after_unknown": {}, "before_sensitive": bs, "after_sensitive": as_}}


gpu_tags = {"team": "CANARYteam01", "environment": "dev", "owner": "CANARYowner02",
            "tier": "a1"}  # short: too short to scrub as text, hidden by the model
doc = {
    "format_version": "1.2", "terraform_version": "1.9.0",
    "configuration": {"provider_config": {"aws": {"name": "aws", "expressions": {
        "region": {"constant_value": "us-east-1"}}}}},
    "resource_changes": [
        rc("aws_instance.gpu", "aws_instance", None,
           {"instance_type": "p4d.24xlarge", "ami": "ami-123", "tags": gpu_tags,
            "tags_all": gpu_tags, "user_data": "CANARYuserdata03",
            "root_block_device": [{"volume_size": 100, "volume_type": "gp3",
                                   "kms_key_id": "CANARYkms04"}]},
           False, {"instance_type": True, "tags": {"team": True, "owner": True, "tier": True},
                   "tags_all": True, "user_data": True,
                   "root_block_device": [{"kms_key_id": True}]}, ["create"]),
        rc("aws_instance.old", "aws_instance",
           {"instance_type": "g5.xlarge", "tags": {"team": "CANARYbefore05"},
            "tags_all": {"team": "CANARYbefore05"}, "user_data": "CANARYbeforeud06"},
           {"instance_type": "g5.2xlarge", "tags": {"team": "ml"}, "tags_all": {"team": "ml"}},
           {"tags": {"team": True}, "tags_all": {"team": True}, "user_data": True}, {},
           ["update"]),
        rc("aws_instance.whole", "aws_instance",
           {"instance_type": "t3.large", "tags": {"team": "CANARYwhole07"},
            "tags_all": {"team": "CANARYwhole07"}},
           None, True, False, ["delete"]),
        rc("aws_autoscaling_group.asg", "aws_autoscaling_group", None,
           {"name": "asg", "desired_capacity": 2, "min_size": 1, "max_size": 3,
            "tag": [{"key": "team", "value": "CANARYasgtag08", "propagate_at_launch": True}]},
           False, {"tag": [{"value": True}]}, ["create"]),
        rc("aws_sagemaker_endpoint_configuration.cfg", "aws_sagemaker_endpoint_configuration",
           None, {"name": "cfg", "production_variants": [
               {"variant_name": "main", "instance_type": "ml.g5.2xlarge",
                "initial_instance_count": 1}], "tags": {"team": "CANARYsmteam09"}},
           False, {"production_variants": [{"instance_type": True}], "tags": True},
           ["create"]),
        rc("aws_sagemaker_endpoint.ep", "aws_sagemaker_endpoint", None,
           {"name": "ep", "endpoint_config_name": "cfg"}, False, {}, ["create"]),
    ],
}
Path(__file__).with_name("canary-plan.json").write_text(json.dumps(doc, indent=1) + "\n")
