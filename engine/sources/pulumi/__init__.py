"""Pulumi input: `pulumi preview --json` (preview.py), the engine event stream
(events.py) and `pulumi stack export` (export.py), read into the canonical model by
core.py; the type-token table (types.py) and the property conversion (props.py)
serve a CrossGuard adapter too. The registry entries are in readers.py."""
