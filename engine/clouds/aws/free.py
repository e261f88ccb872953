"""AWS resource types that have no charge by themselves.

Only types whose creation costs nothing belong here; what they enable is billed
on other resources (data transfer, the instances in a subnet, the objects in a
bucket). Types with a price of their own stay out even when it is small:
aws_kms_key ($/month), aws_eip (public IPv4 hourly), aws_cloudwatch_log_group
(ingestion and storage), aws_vpc_endpoint (interface endpoints are hourly; only
the type attribute tells a gateway endpoint apart), aws_eks_cluster (control
plane hourly), aws_eks_fargate_profile (pod hours), aws_route53_zone,
aws_ecr_repository (storage),
aws_batch_compute_environment (launches instances), aws_s3_object (storage).
Launch templates and configurations are carried by their groups (`CARRIED_BY`).
"""

from __future__ import annotations

FREE_TYPES: frozenset[str] = frozenset({
    # IAM
    "aws_iam_access_key",
    "aws_iam_account_alias",
    "aws_iam_account_password_policy",
    "aws_iam_group",
    "aws_iam_group_membership",
    "aws_iam_group_policy",
    "aws_iam_group_policy_attachment",
    "aws_iam_instance_profile",
    "aws_iam_openid_connect_provider",
    "aws_iam_policy",
    "aws_iam_policy_attachment",
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_iam_role_policy_attachment",
    "aws_iam_saml_provider",
    "aws_iam_service_linked_role",
    "aws_iam_user",
    "aws_iam_user_group_membership",
    "aws_iam_user_policy",
    "aws_iam_user_policy_attachment",
    # VPC plumbing (traffic is billed as data transfer, NAT gateways are priced)
    "aws_default_network_acl",
    "aws_default_route_table",
    "aws_default_security_group",
    "aws_default_subnet",
    "aws_default_vpc",
    "aws_egress_only_internet_gateway",
    "aws_internet_gateway",
    "aws_internet_gateway_attachment",
    "aws_main_route_table_association",
    "aws_network_acl",
    "aws_network_acl_association",
    "aws_network_acl_rule",
    "aws_network_interface_attachment",
    "aws_network_interface_sg_attachment",
    "aws_route",
    "aws_route_table",
    "aws_route_table_association",
    "aws_security_group",
    "aws_security_group_rule",
    "aws_subnet",
    "aws_vpc",
    "aws_vpc_dhcp_options",
    "aws_vpc_dhcp_options_association",
    "aws_vpc_endpoint_route_table_association",  # gateway endpoints only
    "aws_vpc_ipv4_cidr_block_association",
    "aws_vpc_peering_connection",
    "aws_vpc_peering_connection_accepter",
    "aws_vpc_peering_connection_options",
    "aws_vpc_security_group_egress_rule",
    "aws_vpc_security_group_ingress_rule",
    # EC2 and Auto Scaling configuration
    "aws_autoscaling_attachment",
    "aws_autoscaling_group_tag",
    "aws_autoscaling_lifecycle_hook",
    "aws_autoscaling_notification",
    "aws_autoscaling_policy",
    "aws_autoscaling_schedule",
    "aws_appautoscaling_policy",
    "aws_appautoscaling_scheduled_action",
    "aws_appautoscaling_target",
    "aws_ec2_tag",
    "aws_eip_association",
    "aws_key_pair",
    "aws_placement_group",
    "aws_volume_attachment",
    # Load balancer configuration (the load balancer itself is billed)
    "aws_lb_listener",
    "aws_lb_listener_rule",
    "aws_lb_target_group",
    "aws_lb_target_group_attachment",
    # S3 bucket configuration (storage and requests are billed on the bucket)
    "aws_s3_account_public_access_block",
    "aws_s3_bucket_acl",
    "aws_s3_bucket_cors_configuration",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_logging",
    "aws_s3_bucket_notification",
    "aws_s3_bucket_ownership_controls",
    "aws_s3_bucket_policy",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_request_payment_configuration",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_website_configuration",
    # EFS configuration (storage is billed on the file system)
    "aws_efs_access_point",
    "aws_efs_file_system_policy",
    "aws_efs_mount_target",
    # KMS without the key itself
    "aws_kms_alias",
    "aws_kms_grant",
    # EKS and ECS configuration (nodes, Fargate pods and the control plane are billed)
    "aws_ecs_cluster",
    "aws_ecs_task_definition",
    "aws_eks_access_entry",
    "aws_eks_access_policy_association",
    "aws_eks_addon",
    "aws_eks_identity_provider_config",
    "aws_eks_pod_identity_association",
    # SageMaker definitions (hosting, training and notebooks are billed)
    "aws_sagemaker_code_repository",
    "aws_sagemaker_model",
    "aws_sagemaker_model_package_group",
    "aws_sagemaker_notebook_instance_lifecycle_configuration",
    "aws_sagemaker_user_profile",
    # Other policies and permissions
    "aws_cloudwatch_log_resource_policy",
    "aws_ecr_lifecycle_policy",
    "aws_ecr_repository_policy",
    "aws_lambda_permission",
    "aws_sns_topic_policy",
    "aws_sqs_queue_policy",
    "aws_db_parameter_group",
    "aws_db_subnet_group",
    "aws_elasticache_subnet_group",
})
