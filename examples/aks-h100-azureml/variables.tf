variable "location" {
  type    = string
  default = "eastus"
}

# The workspace's dependencies, created by the platform team's shared stack.
variable "storage_account_id" {
  type    = string
  default = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ml-shared/providers/Microsoft.Storage/storageAccounts/mlsharedstore"
}

variable "key_vault_id" {
  type    = string
  default = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ml-shared/providers/Microsoft.KeyVault/vaults/ml-shared-kv"
}

variable "application_insights_id" {
  type    = string
  default = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ml-shared/providers/Microsoft.Insights/components/ml-shared-ai"
}
