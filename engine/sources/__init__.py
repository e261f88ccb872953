"""Input readers: every source produces a ChangeSet of ResourceChange.

Import the reader you need from its module (`engine.sources.detect.read_changeset`,
`engine.sources.terraform_plan.read_plan`, `engine.sources.terraform_hcl.read_hcl`):
this package imports nothing itself, so one reader never loads another.
"""
