"""costwarden: policy-as-code cost governance for AI infrastructure changes."""

__version__ = "0.1.0"
