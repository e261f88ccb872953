"""What a short run loads: the pre-commit path must stay light."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_bundled_pack_lock_is_current():
    from engine.policy.loader import BUNDLED, PACK_LOCK, _sha256, display_name, pack_lock, \
        policy_files

    lock = json.loads(PACK_LOCK.read_text(encoding="utf-8"))
    files = {display_name(f): _sha256(f) for f in policy_files([BUNDLED])}
    assert lock["files"] == files and pack_lock() == files, \
        "bundled policies changed: run `python -m engine.policy lock`"


def test_warm_hook_run_loads_no_parser_schema_validator_or_other_command(tmp_path):
    (tmp_path / "main.tf").write_text(
        'provider "aws" {\n  region = "us-east-1"\n}\n'
        'resource "aws_instance" "gpu" {\n  instance_type = "g5.xlarge"\n'
        '  tags = { team = "ml-research" }\n}\n')
    code = ("import sys\nfrom engine.cli import main\n"
            f"main(['hook', 'tags', {str(tmp_path / 'main.tf')!r}])\n"
            "print(sorted(m for m in ('lark', 'hcl2', 'jsonschema', 'networkx', 'boto3', 'yaml',"
            " 'importlib.metadata', 'engine.commands.graph', 'engine.clouds.aws.ec2')"
            " if m in sys.modules), file=sys.stderr)")
    env = {**os.environ, "COSTWARDEN_CACHE_DIR": str(tmp_path / "cache")}
    cold = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True,
                          text=True)
    assert "'lark'" in cold.stderr.splitlines()[-1], cold.stderr  # a cache miss parses
    warm = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True,
                          text=True)
    assert warm.stderr.splitlines()[-1] == "[]", warm.stderr
