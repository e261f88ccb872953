"""Terraform HCL reading: parse (python-hcl2 -> JSON syntax tree, cached), evaluate
(expressions, functions, variable types), expand (modules, count/for_each, blocks).
The entry point is `engine.sources.terraform_hcl.read_hcl`."""
