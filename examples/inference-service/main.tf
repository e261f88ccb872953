# The production chat endpoint of plan.json, as Terraform source.

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
      team          = "ml-platform"
      project       = "chat-assistant"
      environment   = "production"
      "cost-center" = "CC-2031"
    }
  }
}

locals {
  model_name = "llama3-8b-tgi"
  image      = "763104351884.dkr.ecr.${var.region}.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi2.3.1-gpu-py311-cu124-ubuntu22.04"
}

resource "aws_sagemaker_model" "llm" {
  name                     = local.model_name
  execution_role_arn       = "arn:aws:iam::123456789012:role/sagemaker-exec"
  enable_network_isolation = false

  primary_container {
    image = local.image
    mode  = "SingleModel"
    environment = {
      HF_MODEL_ID = "meta-llama/Meta-Llama-3-8B-Instruct"
      SM_NUM_GPUS = "1"
    }
  }
}

resource "aws_sagemaker_endpoint_configuration" "llm" {
  name = "${local.model_name}-config"

  production_variants {
    variant_name                                      = "AllTraffic"
    model_name                                        = aws_sagemaker_model.llm.name
    instance_type                                     = var.instance_type
    initial_instance_count                            = 2
    initial_variant_weight                            = 1
    container_startup_health_check_timeout_in_seconds = 600
  }
}

resource "aws_sagemaker_endpoint" "llm" {
  name                 = local.model_name
  endpoint_config_name = aws_sagemaker_endpoint_configuration.llm.name
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "egress" {
  allocation_id     = aws_eip.nat.id
  connectivity_type = "public"
  subnet_id         = "subnet-0f1e2d3c4b5a69788"
  tags              = { Name = "chat-egress" }
}

resource "aws_route" "private_default" {
  route_table_id         = "rtb-0a9b8c7d6e5f40312"
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.egress.id
}
