"""Input readers: every source produces a ChangeSet of ResourceChange."""

from engine.sources.detect import read_changeset, sniff_format
from engine.sources.documents import load_json, read_text
from engine.sources.terraform_plan import read_plan

__all__ = ["load_json", "read_changeset", "read_plan", "read_text", "sniff_format"]
