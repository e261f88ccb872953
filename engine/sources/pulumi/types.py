"""Pulumi type tokens -> canonical (Terraform-style) types: data, shared by the readers
and a CrossGuard adapter.

A token is `<package>:<module>/<resource>:<Resource>` (bridged providers) or
`<package>:<module>:<Resource>` (native providers). `canonical_type(token)` gives the
Terraform type costwarden's cost models and policies know; a token not in the table
keeps the token itself as its type, which no cost model claims, so the resource shows
as unsupported (never dropped). `PACKAGES` maps a package to the provider short name
of its cloud bundle; `RENAMES` lists, per canonical type, the attribute paths where the
bridged provider's name is not the camelCase of Terraform's (lists of blocks are
pluralised: `ebsBlockDevices` is Terraform's `ebs_block_device`).
"""

from __future__ import annotations

from typing import Mapping

# package -> provider short name (as the cloud bundles name providers)
PACKAGES: Mapping[str, str] = {
    "aws": "aws", "aws-native": "aws", "gcp": "google", "google-native": "google",
    "azure": "azurerm", "azure-native": "azurerm", "kubernetes": "kubernetes",
}

# package -> stack configuration keys naming its region, first found wins
REGION_CONFIG: Mapping[str, tuple[str, ...]] = {
    "aws": ("aws:region",), "aws-native": ("aws-native:region", "aws:region"),
    "gcp": ("gcp:region", "gcp:zone"), "google-native": ("google-native:region",),
    "azure": ("azure:location",), "azure-native": ("azure-native:location",),
}
# package -> the provider resource's input naming its region
PROVIDER_REGION: Mapping[str, tuple[str, ...]] = {
    "aws": ("region",), "aws-native": ("region",), "gcp": ("region", "zone"),
    "azure": ("location",), "azure-native": ("location",),
}
# package -> (stack config key, provider input) of default tags/labels, and the key
# inside that value holding the map ("" : the value is the map)
DEFAULT_TAGS: Mapping[str, tuple[str, str, str]] = {
    "aws": ("aws:defaultTags", "defaultTags", "tags"),
    "gcp": ("gcp:defaultLabels", "defaultLabels", ""),
}


def _bridged(package: str, module_and_names: str) -> dict[str, str]:
    """"aws_instance=ec2/instance ..." -> {"aws:ec2/instance:Instance": "aws_instance"}."""
    out = {}
    for item in module_and_names.split():
        tf_type, path = item.split("=")
        module, name = path.split("/")
        out[f"{package}:{module}/{name}:{name[0].upper()}{name[1:]}"] = tf_type
    return out


TYPES: dict[str, str] = {}
# AWS classic: every type a cost model prices, the free, carried and shared types
TYPES.update(_bridged("aws", """
aws_instance=ec2/instance aws_spot_instance_request=ec2/spotInstanceRequest
aws_launch_template=ec2/launchTemplate aws_launch_configuration=ec2/launchConfiguration
aws_autoscaling_group=autoscaling/group aws_eks_node_group=eks/nodeGroup
aws_eks_cluster=eks/cluster aws_sagemaker_endpoint=sagemaker/endpoint
aws_sagemaker_endpoint_configuration=sagemaker/endpointConfiguration
aws_sagemaker_notebook_instance=sagemaker/notebookInstance
aws_ebs_volume=ebs/volume aws_ebs_snapshot=ebs/snapshot aws_s3_bucket=s3/bucket
aws_efs_file_system=efs/fileSystem aws_fsx_lustre_file_system=fsx/lustreFileSystem
aws_fsx_ontap_file_system=fsx/ontapFileSystem aws_fsx_openzfs_file_system=fsx/openZfsFileSystem
aws_fsx_windows_file_system=fsx/windowsFileSystem
aws_nat_gateway=ec2/natGateway aws_eip=ec2/eip aws_vpc_endpoint=ec2/vpcEndpoint
aws_lb=lb/loadBalancer aws_alb=alb/loadBalancer aws_elb=elb/loadBalancer
aws_ecs_cluster=ecs/cluster aws_transit_gateway=ec2transitgateway/transitGateway
aws_ecs_service=ecs/service aws_ecr_repository=ecr/repository
aws_cloudwatch_log_group=cloudwatch/logGroup
aws_iam_access_key=iam/accessKey aws_iam_account_alias=iam/accountAlias
aws_iam_account_password_policy=iam/accountPasswordPolicy aws_iam_group=iam/group
aws_iam_group_membership=iam/groupMembership aws_iam_group_policy=iam/groupPolicy
aws_iam_group_policy_attachment=iam/groupPolicyAttachment
aws_iam_instance_profile=iam/instanceProfile
aws_iam_openid_connect_provider=iam/openIdConnectProvider aws_iam_policy=iam/policy
aws_iam_policy_attachment=iam/policyAttachment aws_iam_role=iam/role
aws_iam_role_policy=iam/rolePolicy aws_iam_role_policy_attachment=iam/rolePolicyAttachment
aws_iam_saml_provider=iam/samlProvider aws_iam_service_linked_role=iam/serviceLinkedRole
aws_iam_user=iam/user aws_iam_user_group_membership=iam/userGroupMembership
aws_iam_user_policy=iam/userPolicy aws_iam_user_policy_attachment=iam/userPolicyAttachment
aws_default_network_acl=ec2/defaultNetworkAcl aws_default_route_table=ec2/defaultRouteTable
aws_default_security_group=ec2/defaultSecurityGroup aws_default_subnet=ec2/defaultSubnet
aws_default_vpc=ec2/defaultVpc aws_egress_only_internet_gateway=ec2/egressOnlyInternetGateway
aws_internet_gateway=ec2/internetGateway
aws_internet_gateway_attachment=ec2/internetGatewayAttachment
aws_main_route_table_association=ec2/mainRouteTableAssociation aws_network_acl=ec2/networkAcl
aws_network_acl_association=ec2/networkAclAssociation aws_network_acl_rule=ec2/networkAclRule
aws_network_interface_attachment=ec2/networkInterfaceAttachment
aws_network_interface_sg_attachment=ec2/networkInterfaceSecurityGroupAttachment
aws_route=ec2/route aws_route_table=ec2/routeTable
aws_route_table_association=ec2/routeTableAssociation aws_security_group=ec2/securityGroup
aws_security_group_rule=ec2/securityGroupRule aws_subnet=ec2/subnet aws_vpc=ec2/vpc
aws_vpc_dhcp_options=ec2/vpcDhcpOptions
aws_vpc_dhcp_options_association=ec2/vpcDhcpOptionsAssociation
aws_vpc_endpoint_route_table_association=ec2/vpcEndpointRouteTableAssociation
aws_vpc_ipv4_cidr_block_association=ec2/vpcIpv4CidrBlockAssociation
aws_vpc_peering_connection=ec2/vpcPeeringConnection
aws_vpc_peering_connection_accepter=ec2/vpcPeeringConnectionAccepter
aws_vpc_peering_connection_options=ec2/peeringConnectionOptions
aws_vpc_security_group_egress_rule=vpc/securityGroupEgressRule
aws_vpc_security_group_ingress_rule=vpc/securityGroupIngressRule
aws_autoscaling_attachment=autoscaling/attachment aws_autoscaling_group_tag=autoscaling/tag
aws_autoscaling_lifecycle_hook=autoscaling/lifecycleHook
aws_autoscaling_notification=autoscaling/notification aws_autoscaling_policy=autoscaling/policy
aws_autoscaling_schedule=autoscaling/schedule aws_appautoscaling_policy=appautoscaling/policy
aws_appautoscaling_scheduled_action=appautoscaling/scheduledAction
aws_appautoscaling_target=appautoscaling/target aws_ec2_tag=ec2/tag
aws_eip_association=ec2/eipAssociation aws_key_pair=ec2/keyPair
aws_placement_group=ec2/placementGroup aws_volume_attachment=ec2/volumeAttachment
aws_lb_listener=lb/listener aws_lb_listener_rule=lb/listenerRule
aws_lb_target_group=lb/targetGroup aws_lb_target_group_attachment=lb/targetGroupAttachment
aws_s3_account_public_access_block=s3/accountPublicAccessBlock
aws_s3_bucket_notification=s3/bucketNotification aws_s3_bucket_policy=s3/bucketPolicy
aws_s3_bucket_ownership_controls=s3/bucketOwnershipControls
aws_s3_bucket_public_access_block=s3/bucketPublicAccessBlock
aws_efs_access_point=efs/accessPoint aws_efs_file_system_policy=efs/fileSystemPolicy
aws_efs_mount_target=efs/mountTarget aws_kms_alias=kms/alias aws_kms_grant=kms/grant
aws_kms_key=kms/key aws_ecs_task_definition=ecs/taskDefinition
aws_eks_access_entry=eks/accessEntry
aws_eks_access_policy_association=eks/accessPolicyAssociation aws_eks_addon=eks/addon
aws_eks_fargate_profile=eks/fargateProfile
aws_eks_identity_provider_config=eks/identityProviderConfig
aws_eks_pod_identity_association=eks/podIdentityAssociation
aws_sagemaker_code_repository=sagemaker/codeRepository aws_sagemaker_model=sagemaker/model
aws_sagemaker_model_package_group=sagemaker/modelPackageGroup
aws_sagemaker_notebook_instance_lifecycle_configuration=sagemaker/notebookInstanceLifecycleConfiguration
aws_sagemaker_user_profile=sagemaker/userProfile
aws_cloudwatch_log_resource_policy=cloudwatch/logResourcePolicy
aws_ecr_lifecycle_policy=ecr/lifecyclePolicy aws_ecr_repository_policy=ecr/repositoryPolicy
aws_lambda_function=lambda/function aws_lambda_permission=lambda/permission
aws_sns_topic_policy=sns/topicPolicy aws_sqs_queue_policy=sqs/queuePolicy
aws_db_instance=rds/instance aws_db_parameter_group=rds/parameterGroup
aws_db_subnet_group=rds/subnetGroup aws_elasticache_subnet_group=elasticache/subnetGroup
aws_cloudformation_stack=cloudformation/stack
"""))
# pulumi-aws v6 names of the S3 bucket and its sub-resources (v7 dropped the V2 suffix)
TYPES.update(_bridged("aws", """
aws_s3_bucket=s3/bucketV2 aws_s3_bucket_acl=s3/bucketAclV2
aws_s3_bucket_cors_configuration=s3/bucketCorsConfigurationV2
aws_s3_bucket_lifecycle_configuration=s3/bucketLifecycleConfigurationV2
aws_s3_bucket_logging=s3/bucketLoggingV2
aws_s3_bucket_request_payment_configuration=s3/bucketRequestPaymentConfigurationV2
aws_s3_bucket_server_side_encryption_configuration=s3/bucketServerSideEncryptionConfigurationV2
aws_s3_bucket_versioning=s3/bucketVersioningV2
aws_s3_bucket_website_configuration=s3/bucketWebsiteConfigurationV2
aws_s3_bucket_acl=s3/bucketAcl aws_s3_bucket_cors_configuration=s3/bucketCorsConfiguration
aws_s3_bucket_lifecycle_configuration=s3/bucketLifecycleConfiguration
aws_s3_bucket_logging=s3/bucketLogging
aws_s3_bucket_request_payment_configuration=s3/bucketRequestPaymentConfiguration
aws_s3_bucket_server_side_encryption_configuration=s3/bucketServerSideEncryptionConfiguration
aws_s3_bucket_versioning=s3/bucketVersioning
aws_s3_bucket_website_configuration=s3/bucketWebsiteConfiguration
"""))
# AWS Cloud Control (aws-native): the compute and storage types whose properties read
# like Terraform's once snake_cased (CloudFormation shapes).
TYPES.update({
    "aws-native:ec2:Instance": "aws_instance", "aws-native:ec2:Volume": "aws_ebs_volume",
    "aws-native:s3:Bucket": "aws_s3_bucket", "aws-native:ec2:NatGateway": "aws_nat_gateway",
    "aws-native:ec2:Eip": "aws_eip", "aws-native:eks:Nodegroup": "aws_eks_node_group",
    "aws-native:eks:Cluster": "aws_eks_cluster", "aws-native:efs:FileSystem": "aws_efs_file_system",
    "aws-native:sagemaker:Endpoint": "aws_sagemaker_endpoint",
    "aws-native:sagemaker:EndpointConfig": "aws_sagemaker_endpoint_configuration",
    "aws-native:sagemaker:NotebookInstance": "aws_sagemaker_notebook_instance",
    "aws-native:iam:Role": "aws_iam_role", "aws-native:ec2:SecurityGroup": "aws_security_group",
    "aws-native:ec2:Vpc": "aws_vpc", "aws-native:ec2:Subnet": "aws_subnet",
    "aws-native:ec2:LaunchTemplate": "aws_launch_template",
})
# Google Cloud (bridged `gcp`): compute, GPU/TPU and storage types
TYPES.update(_bridged("gcp", """
google_compute_instance=compute/instance google_compute_instance_template=compute/instanceTemplate
google_compute_region_instance_template=compute/regionInstanceTemplate
google_compute_instance_group_manager=compute/instanceGroupManager
google_compute_region_instance_group_manager=compute/regionInstanceGroupManager
google_compute_disk=compute/disk google_compute_region_disk=compute/regionDisk
google_compute_reservation=compute/reservation google_compute_router_nat=compute/routerNat
google_compute_network=compute/network google_compute_subnetwork=compute/subnetwork
google_compute_firewall=compute/firewall google_container_cluster=container/cluster
google_container_node_pool=container/nodePool google_storage_bucket=storage/bucket
google_filestore_instance=filestore/instance google_tpu_node=tpu/node google_tpu_v2_vm=tpu/v2Vm
google_vertex_ai_endpoint=vertex/aiEndpoint google_notebooks_instance=notebooks/instance
google_workbench_instance=workbench/instance google_service_account=serviceaccount/account
"""))
# Azure: classic (bridged `azure`) and native (`azure-native`) compute/GPU types
TYPES.update(_bridged("azure", """
azurerm_linux_virtual_machine=compute/linuxVirtualMachine
azurerm_windows_virtual_machine=compute/windowsVirtualMachine
azurerm_virtual_machine=compute/virtualMachine
azurerm_linux_virtual_machine_scale_set=compute/linuxVirtualMachineScaleSet
azurerm_windows_virtual_machine_scale_set=compute/windowsVirtualMachineScaleSet
azurerm_managed_disk=compute/managedDisk
azurerm_kubernetes_cluster=containerservice/kubernetesCluster
azurerm_kubernetes_cluster_node_pool=containerservice/kubernetesClusterNodePool
azurerm_machine_learning_compute_cluster=machinelearning/computeCluster
azurerm_machine_learning_compute_instance=machinelearning/computeInstance
azurerm_storage_account=storage/account azurerm_nat_gateway=network/natGateway
azurerm_resource_group=core/resourceGroup
"""))
TYPES.update({
    "azure-native:compute:VirtualMachine": "azurerm_virtual_machine",
    "azure-native:compute:VirtualMachineScaleSet": "azurerm_virtual_machine_scale_set",
    "azure-native:compute:Disk": "azurerm_managed_disk",
    "azure-native:containerservice:ManagedCluster": "azurerm_kubernetes_cluster",
    "azure-native:containerservice:AgentPool": "azurerm_kubernetes_cluster_node_pool",
    "azure-native:storage:StorageAccount": "azurerm_storage_account",
    "azure-native:network:NatGateway": "azurerm_nat_gateway",
    "azure-native:resources:ResourceGroup": "azurerm_resource_group",
})

# canonical type -> {path of snake_cased names (no indexes): Terraform's name}
RENAMES: Mapping[str, Mapping[tuple[str, ...], str]] = {
    "aws_instance": {("ebs_block_devices",): "ebs_block_device",
                     ("ephemeral_block_devices",): "ephemeral_block_device"},
    "aws_spot_instance_request": {("ebs_block_devices",): "ebs_block_device"},
    "aws_eks_node_group": {("taints",): "taint"},
    "aws_autoscaling_group": {
        ("tags",): "tag", ("vpc_zone_identifiers",): "vpc_zone_identifier",
        ("mixed_instances_policy", "launch_template", "overrides"): "override"},
    "aws_s3_bucket_lifecycle_configuration": {
        ("rules",): "rule", ("rule", "transitions"): "transition",
        ("rule", "noncurrent_version_transitions"): "noncurrent_version_transition"},
    "aws_s3_bucket": {("lifecycle_rules",): "lifecycle_rule",
                      ("lifecycle_rule", "transitions"): "transition"},
    "google_compute_instance": {("guest_accelerators",): "guest_accelerator",
                                ("attached_disks",): "attached_disk",
                                ("scratch_disks",): "scratch_disk",
                                ("network_interfaces",): "network_interface"},
    "google_compute_instance_template": {("guest_accelerators",): "guest_accelerator",
                                         ("disks",): "disk",
                                         ("network_interfaces",): "network_interface"},
    "google_container_node_pool": {("node_config", "guest_accelerators"): "guest_accelerator"},
    "google_container_cluster": {("node_config", "guest_accelerators"): "guest_accelerator"},
}

# Pulumi's own resources: never cloud resources
STACK_TYPE = "pulumi:pulumi:Stack"
PROVIDER_PREFIX = "pulumi:providers:"


def package_of(token: str) -> str:
    return token.split(":", 1)[0]


def provider_of(token: str) -> str:
    """The provider short name of a token's package (`gcp` -> `google`)."""
    package = package_of(token)
    return PACKAGES.get(package, package)


def canonical_type(token: str) -> str:
    """The Terraform-style type of a token, or the token itself when it is not mapped."""
    return TYPES.get(token, token)
