# A GKE cluster for LLM training on Google Cloud: a system pool, an H100 pool
# (a3-highgpu-8g, eight H100s per node) and a TPU v5p slice (2x2x2: eight chips on two
# ct5p-hightpu-4t nodes), plus a checkpoint bucket. The twin of plan.json:
# `costwarden estimate examples/gke-h100-tpu --usage examples/gke-h100-tpu/usage.yml`.

terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.10"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region

  default_labels = {
    team          = "ml-research"
    project       = "llm-pretrain"
    environment   = "staging"
    "cost-center" = "cc-4410"
  }
}

resource "google_container_cluster" "training" {
  name                     = "llm-training"
  location                 = var.zone
  remove_default_node_pool = true
  initial_node_count       = 1
  deletion_protection      = false
}

resource "google_container_node_pool" "system" {
  name       = "system"
  cluster    = google_container_cluster.training.id
  location   = var.zone
  node_count = 1

  node_config {
    machine_type = "e2-standard-4"
    disk_size_gb = 100
    disk_type    = "pd-balanced"
  }
}

resource "google_container_node_pool" "h100" {
  name       = "h100"
  cluster    = google_container_cluster.training.id
  location   = var.zone
  node_count = 2

  node_config {
    machine_type = "a3-highgpu-8g"
    disk_size_gb = 200
    disk_type    = "pd-ssd"
    spot         = true

    guest_accelerator {
      type  = "nvidia-h100-80gb"
      count = 8
      gpu_driver_installation_config {
        gpu_driver_version = "LATEST"
      }
    }

    ephemeral_storage_local_ssd_config {
      local_ssd_count = 16
    }
  }
}

resource "google_container_node_pool" "tpu_v5p" {
  name       = "tpu-v5p"
  cluster    = google_container_cluster.training.id
  location   = var.zone
  node_count = 2

  placement_policy {
    type         = "COMPACT"
    tpu_topology = "2x2x2"
  }

  node_config {
    machine_type = "ct5p-hightpu-4t"
    disk_size_gb = 100
    disk_type    = "pd-balanced"
    spot         = true
  }
}

resource "google_storage_bucket" "checkpoints" {
  name                        = "llm-pretrain-checkpoints"
  location                    = "US-EAST5"
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true

  lifecycle_rule {
    condition {
      age = 30
    }
    action {
      type          = "SetStorageClass"
      storage_class = "NEARLINE"
    }
  }
}
