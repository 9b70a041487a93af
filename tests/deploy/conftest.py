"""One synthesis of the example app (cdk.json) for every deployment test: CDK synth costs
seconds, so the templates are built once per session and only read by the tests."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

# jsii prints a large end-of-life banner for Node 20 on every start.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
# Tests synthesize the shipped examples, which the app refuses next to real credentials.
os.environ.pop("CDK_DEFAULT_ACCOUNT", None)

import aws_cdk as cdk
import pytest

from scanmonster import ROOT
from stacks.config import CONTEXT_KEY
from stacks.deployment import Deployment, build


def cdk_json_context() -> dict[str, Any]:
    return json.loads((ROOT / "cdk.json").read_text(encoding="utf-8"))["context"]


def example_settings() -> dict[str, Any]:
    """The `scanmonster` object of cdk.json (the shipped examples), a fresh copy."""
    return copy.deepcopy(cdk_json_context()[CONTEXT_KEY])


def synthesize(settings: dict[str, Any], outdir: Path) -> tuple[Deployment, dict[str, dict]]:
    context = {**cdk_json_context(), CONTEXT_KEY: settings}
    app = cdk.App(context=context, outdir=str(outdir))
    deployment = build(app)
    assembly = app.synth()
    templates = {stack.stack_name: stack.template for stack in assembly.stacks}
    templates["member"] = deployment.member_template
    return deployment, templates


@pytest.fixture(scope="session")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Deployment, dict[str, dict]]:
    return synthesize(example_settings(), tmp_path_factory.mktemp("cdk.out"))


@pytest.fixture(scope="session")
def deployment(example) -> Deployment:
    return example[0]


@pytest.fixture(scope="session")
def templates(example) -> dict[str, dict]:
    """Every template a user would deploy, by stack name, plus the StackSet's ("member")."""
    return example[1]


def resources(template: dict, resource_type: str) -> dict[str, dict]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == resource_type}
