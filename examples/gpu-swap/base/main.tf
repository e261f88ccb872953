# gpu-swap, before the change: the state plan.json starts from (its prior_state).

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      team          = "ml-research"
      project       = "vision-serving"
      environment   = "development"
      "cost-center" = "CC-4410"
    }
  }
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "cluster_name" {
  type    = string
  default = "research"
}

resource "aws_eks_node_group" "inference" {
  cluster_name    = var.cluster_name
  node_group_name = "inference-gpu"
  node_role_arn   = "arn:aws:iam::123456789012:role/eks-node"
  subnet_ids      = ["subnet-0b1c2d3e4f5a6b7c8", "subnet-0c2d3e4f5a6b7c8d9"]
  ami_type        = "AL2023_x86_64_NVIDIA"
  capacity_type   = "ON_DEMAND"
  disk_size       = 100
  version         = "1.31"
  instance_types  = ["g5.12xlarge"]
  labels          = { accelerator = "nvidia" }

  taint {
    key    = "nvidia.com/gpu"
    value  = "true"
    effect = "NO_SCHEDULE"
  }

  scaling_config {
    desired_size = 3
    min_size     = 1
    max_size     = 6
  }

  update_config {
    max_unavailable = 1
  }

  tags = { Name = "inference-gpu" }
}

resource "aws_sagemaker_notebook_instance" "alice" {
  name                   = "alice-dev"
  instance_type          = "ml.g5.xlarge"
  volume_size            = 200
  role_arn               = "arn:aws:iam::123456789012:role/sagemaker-exec"
  direct_internet_access = "Enabled"
  root_access            = "Enabled"
  platform_identifier    = "notebook-al2-v2"
  tags                   = { owner = "alice" }
}

resource "aws_ebs_volume" "feature_cache" {
  availability_zone = "us-east-1a"
  size              = 2000
  type              = "gp2"
  encrypted         = true
  tags              = { Name = "feature-cache" }
}
