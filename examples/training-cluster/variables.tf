variable "region" {
  type    = string
  default = "us-east-1"
}

variable "vpc_id" {
  type    = string
  default = "vpc-0a1b2c3d4e5f60718"
}

variable "ami_id" {
  type    = string
  default = "ami-0a7d3e2f9c1b04e55"
}
