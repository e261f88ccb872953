output "project" {
  value     = "CANARYhcloutput13"
  sensitive = true
}
