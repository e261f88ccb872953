"""Azure types that cost nothing by themselves (their cost, if any, is on the
resources that use them)."""

from __future__ import annotations

FREE_TYPES = frozenset({
    "azurerm_resource_group",
    "azurerm_virtual_network",
    "azurerm_subnet",
    "azurerm_network_interface",
    "azurerm_network_security_group",
    "azurerm_network_security_rule",
    "azurerm_subnet_network_security_group_association",
    "azurerm_network_interface_security_group_association",
    "azurerm_network_interface_backend_address_pool_association",
    "azurerm_availability_set",
    "azurerm_proximity_placement_group",
    "azurerm_role_assignment",
    "azurerm_role_definition",
    "azurerm_user_assigned_identity",
    "azurerm_virtual_machine_data_disk_attachment",
    # The workspace itself is free; its storage account, key vault, registry and
    # compute are billed as themselves.
    "azurerm_machine_learning_workspace",
    # Autoscale settings are free; they set the count of the scale set they target.
    "azurerm_monitor_autoscale_setting",
})
