"""Integrations with other tools: the GitHub comment API and Checkov (a subprocess).

Nothing here is imported by the core pipeline; commands import these modules
inside `run`.
"""
