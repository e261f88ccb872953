variable "region" {
  type    = string
  default = "us-east-1"
}

variable "instance_type" {
  description = "SageMaker hosting instance type of the endpoint"
  type        = string
  default     = "ml.g5.2xlarge"
}
