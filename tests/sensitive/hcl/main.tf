provider "aws" {
  region = "us-east-1"
}

variable "gpu_type" {
  type      = string
  default   = "p4d.24xlarge"
  sensitive = true
}

variable "owner" {
  type      = string
  default   = "CANARYhclowner11"
  sensitive = true
}

locals {
  cost_center = sensitive("CANARYhclfunc12")
}

module "child" {
  source = "./child"
}

resource "aws_instance" "gpu" {
  ami           = "ami-123"
  instance_type = var.gpu_type
  tags = {
    team        = "ml"
    owner       = var.owner
    cost_center = "cc-${local.cost_center}"
    project     = module.child.project
  }
}
