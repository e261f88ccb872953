# An AKS cluster with an ND H100 v5 spot node pool for fine-tuning, and an Azure ML
# workspace with a dedicated A100 cluster, a low-priority T4 cluster and a notebook.
terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.0"
    }
  }
}

provider "azurerm" {
  features {}
}

locals {
  tags = {
    team          = "ml-platform"
    project       = "llm-finetune"
    environment   = "staging"
    "cost-center" = "CC-4410"
  }
}

resource "azurerm_resource_group" "ml" {
  name     = "llm-finetune-rg"
  location = var.location
  tags     = local.tags
}

resource "azurerm_kubernetes_cluster" "aks" {
  name                = "llm-finetune-aks"
  location            = azurerm_resource_group.ml.location
  resource_group_name = azurerm_resource_group.ml.name
  dns_prefix          = "llmfinetune"
  sku_tier            = "Standard"

  default_node_pool {
    name            = "system"
    vm_size         = "Standard_D8s_v3"
    node_count      = 3
    os_disk_size_gb = 128
  }

  identity {
    type = "SystemAssigned"
  }

  tags = local.tags
}

resource "azurerm_kubernetes_cluster_node_pool" "h100_spot" {
  name                  = "h100spot"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.aks.id
  vm_size               = "Standard_ND96isr_H100_v5"
  priority              = "Spot"
  eviction_policy       = "Delete"
  spot_max_price        = -1
  auto_scaling_enabled  = true
  min_count             = 0
  max_count             = 4
  os_disk_size_gb       = 256
  node_labels = {
    "kubernetes.azure.com/scalesetpriority" = "spot"
  }
  node_taints = ["kubernetes.azure.com/scalesetpriority=spot:NoSchedule"]
  tags        = merge(local.tags, { workload = "training" })
}

resource "azurerm_machine_learning_workspace" "ws" {
  name                    = "llm-finetune-ws"
  location                = azurerm_resource_group.ml.location
  resource_group_name     = azurerm_resource_group.ml.name
  storage_account_id      = var.storage_account_id
  key_vault_id            = var.key_vault_id
  application_insights_id = var.application_insights_id

  identity {
    type = "SystemAssigned"
  }

  tags = local.tags
}

resource "azurerm_machine_learning_compute_cluster" "a100" {
  name                          = "a100-train"
  location                      = azurerm_resource_group.ml.location
  machine_learning_workspace_id = azurerm_machine_learning_workspace.ws.id
  vm_size                       = "Standard_NC24ads_A100_v4"
  vm_priority                   = "Dedicated"

  scale_settings {
    min_node_count                       = 1
    max_node_count                       = 4
    scale_down_nodes_after_idle_duration = "PT30M"
  }

  identity {
    type = "SystemAssigned"
  }

  # Azure tag names are case-insensitive: "Environment" is the environment tag.
  tags = {
    team          = "ml-platform"
    project       = "llm-finetune"
    Environment   = "staging"
    "cost-center" = "CC-4410"
    workload      = "training"
  }
}

resource "azurerm_machine_learning_compute_cluster" "t4_low_priority" {
  name                          = "t4-eval"
  location                      = azurerm_resource_group.ml.location
  machine_learning_workspace_id = azurerm_machine_learning_workspace.ws.id
  vm_size                       = "Standard_NC4as_T4_v3"
  vm_priority                   = "LowPriority"

  scale_settings {
    min_node_count                       = 0
    max_node_count                       = 10
    scale_down_nodes_after_idle_duration = "PT15M"
  }

  tags = merge(local.tags, { workload = "training" })
}

resource "azurerm_machine_learning_compute_instance" "notebook" {
  name                          = "llm-notebook"
  machine_learning_workspace_id = azurerm_machine_learning_workspace.ws.id
  virtual_machine_size          = "Standard_NC4as_T4_v3"
  tags                          = local.tags
}
