variable "project_id" {
  type    = string
  default = "ml-research-prod-4410"
}

variable "region" {
  type    = string
  default = "us-east5"
}

variable "zone" {
  type    = string
  default = "us-east5-a"
}
