"""`make synth` on a fresh clone: the pinned CDK CLI synthesizes the example app with no AWS
account, credentials or configuration files."""

from __future__ import annotations

import json
import os
import subprocess

from scanmonster import ROOT
from tests.deploy.test_template_properties import STACKS

CLI = ROOT / "node_modules" / ".bin" / "cdk"


def test_cdk_cli_synthesizes_without_credentials(tmp_path) -> None:
    assert CLI.exists(), "the CDK CLI is missing: `make test` installs it (npm ci)"
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(
        HOME=str(tmp_path),
        AWS_CONFIG_FILE="/nonexistent",
        AWS_SHARED_CREDENTIALS_FILE="/nonexistent",
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
    )
    out = tmp_path / "cdk.out"
    result = subprocess.run(
        [str(CLI), "synth", "--quiet", "--output", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((out / "manifest.json").read_text())
    stacks = {
        name
        for name, artifact in manifest["artifacts"].items()
        if artifact["type"] == "aws:cloudformation:stack"
    }
    assert stacks == set(STACKS) - {"member"}  # the StackSet's template is an asset
