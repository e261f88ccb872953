# The LLM pre-training cluster of plan.json, as Terraform source.
# `costwarden estimate examples/training-cluster --usage examples/training-cluster/usage.yml`
# reads this directory without running `terraform plan`.

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
      project       = "llm-pretrain"
      environment   = "staging"
      "cost-center" = "CC-4410"
    }
  }
}

locals {
  name    = "llm-pretrain"
  subnets = ["subnet-0b1c2d3e4f5a6b7c8", "subnet-0c2d3e4f5a6b7c8d9"]
}

resource "aws_iam_role" "trainer" {
  name = "${local.name}-trainer"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_security_group" "efa" {
  name        = "${local.name}-efa"
  description = "EFA all traffic within the group"
  vpc_id      = var.vpc_id
}

resource "aws_launch_template" "trainer" {
  name                   = "trainer-p5"
  image_id               = var.ami_id
  instance_type          = "p5.48xlarge"
  update_default_version = true
  ebs_optimized          = true

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = 500
      volume_type           = "gp3"
      iops                  = 6000
      throughput            = 250
      encrypted             = true
      delete_on_termination = true
    }
  }

  network_interfaces {
    interface_type        = "efa"
    device_index          = 0
    network_card_index    = 0
    delete_on_termination = true
    security_groups       = [aws_security_group.efa.id]
  }

  metadata_options {
    http_tokens                 = "required"
    http_endpoint               = "enabled"
    http_put_response_hop_limit = 2
  }

  tag_specifications {
    resource_type = "instance"
    tags          = { Name = "trainer-p5" }
  }

  tags = { Name = "trainer-p5" }
}

resource "aws_autoscaling_group" "trainers" {
  name                = "${local.name}-trainers"
  desired_capacity    = 4
  min_size            = 0
  max_size            = 8
  capacity_rebalance  = true
  health_check_type   = "EC2"
  vpc_zone_identifier = local.subnets

  mixed_instances_policy {
    instances_distribution {
      on_demand_base_capacity                  = 0
      on_demand_percentage_above_base_capacity = 0
      spot_allocation_strategy                 = "capacity-optimized"
    }
    launch_template {
      launch_template_specification {
        launch_template_id = aws_launch_template.trainer.id
        version            = "$Latest"
      }
      override {
        instance_type = "p5.48xlarge"
      }
      override {
        instance_type = "p4d.24xlarge"
      }
    }
  }

  tag {
    key                 = "Name"
    value               = "${local.name}-trainer"
    propagate_at_launch = true
  }
}

resource "aws_fsx_lustre_file_system" "dataset" {
  deployment_type             = "PERSISTENT_2"
  storage_capacity            = 9600
  storage_type                = "SSD"
  per_unit_storage_throughput = 250
  data_compression_type       = "LZ4"
  subnet_ids                  = [local.subnets[0]]
  tags                        = { Name = "${local.name}-scratch" }
}

resource "aws_s3_bucket" "checkpoints" {
  bucket = "acme-${local.name}-checkpoints"
  tags = {
    Name         = "checkpoints"
    "data-class" = "checkpoint"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "checkpoints" {
  bucket = aws_s3_bucket.checkpoints.id

  rule {
    id     = "tier-old-checkpoints"
    status = "Enabled"
    filter {
      prefix = "runs/"
    }
    transition {
      days          = 30
      storage_class = "GLACIER_IR"
    }
    expiration {
      days = 180
    }
  }
}
