from __future__ import annotations

import os

import boto3
import pytest
from moto import mock_aws

from scanmonster.testing import RUNTIME_ACTIONS, RecordingClientFactory
from tests.support import check, registry

REGION = "us-east-1"


@pytest.fixture(autouse=True)
def _fake_aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may reach AWS or read the developer's credentials."""
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")


@pytest.fixture
def aws(request: pytest.FixtureRequest):
    """moto's in-process AWS and a client factory that records the IAM actions used.

    In tests/rules/test_<check_id>.py, every action the check calls must be one it
    declares in check.toml (or one the runtime itself needs): the rule role's policy is
    built from those declarations. Set up resources with plain boto3 clients (moto is
    active); hand `aws` only to the check.
    """
    with mock_aws():
        factory = RecordingClientFactory(session=boto3.Session(region_name=REGION))
        yield factory
    module = request.module.__name__.rsplit(".", 1)[-1]
    check_id = module.removeprefix("test_")
    if check_id in registry():
        undeclared = set(factory.actions) - set(check(check_id).permissions) - RUNTIME_ACTIONS
        assert not undeclared, f"{check_id} calls undeclared actions: {sorted(undeclared)}"
