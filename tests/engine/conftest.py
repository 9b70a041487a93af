"""A real botocore AWS Config client whose HTTP exchange is answered here.

Parameter validation against the real API model, request serialization, response parsing
and botocore's retry loop (adaptive mode) all run for real; only the bytes on the wire
are ours. Stubber would skip the retry loop, and moto accepts PutEvaluations only in
TestMode, so neither could show throttling or FailedEvaluations being handled.
"""

from __future__ import annotations

import copy
import json
from collections import deque
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from scanmonster.runtime.clients import ClientFactory


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any):
        yield self._body


class ConfigApi:
    """Answers AWS Config calls; records the parameters of every call attempted."""

    def __init__(self) -> None:
        self.factory = ClientFactory(session=boto3.Session(region_name="us-east-1"))
        self.client = self.factory.build_client("config")
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.attempts: list[str] = []  # one entry per HTTP attempt, retries included
        self._answers: deque[tuple[int, dict[str, Any]]] = deque()
        self.client.meta.events.register("before-parameter-build.config.*", self._record)
        self.client.meta.events.register_first("before-send.config.*", self._answer)

    def answer(self, status: int, body: dict[str, Any]) -> None:
        """Queue the answer to the next attempt (default: success, nothing failed)."""
        self._answers.append((status, body))

    def throttle(self, times: int = 1) -> None:
        for _ in range(times):
            self.answer(400, {"__type": "ThrottlingException", "message": "Rate exceeded"})

    def put_calls(self) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == "PutEvaluations"]

    def _record(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.calls.append((model.name, copy.deepcopy(params)))

    def _answer(self, request: Any, **_: Any) -> AWSResponse:
        operation = request.headers.get("X-Amz-Target", b"")
        operation = operation.decode() if isinstance(operation, bytes) else operation
        self.attempts.append(operation.rsplit(".", 1)[-1])
        status, body = self._answers.popleft() if self._answers else (200, {})
        return AWSResponse(
            request.url,
            status,
            {"Content-Type": "application/x-amz-json-1.1"},
            _Raw(json.dumps(body).encode()),
        )


@pytest.fixture
def config_api() -> ConfigApi:
    return ConfigApi()


MAX_ANNOTATION = 256


def assert_valid_put_evaluations(params: dict[str, Any]) -> None:
    """What AWS Config enforces on PutEvaluations (the documented limits; botocore does not
    check maximums, and moto checks none of them)."""
    evaluations = params["Evaluations"]
    assert 1 <= len(evaluations) <= 100
    assert params["ResultToken"]
    keys = set()
    for evaluation in evaluations:
        assert 1 <= len(evaluation["ComplianceResourceType"]) <= 256
        assert 1 <= len(evaluation["ComplianceResourceId"]) <= 768
        assert evaluation["ComplianceType"] in ("COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE")
        assert evaluation["OrderingTimestamp"]
        if "Annotation" in evaluation:
            units = len(evaluation["Annotation"].encode("utf-16-le")) // 2
            assert 1 <= units <= MAX_ANNOTATION
        key = (evaluation["ComplianceResourceType"], evaluation["ComplianceResourceId"])
        assert key not in keys
        keys.add(key)


def make_check(check_id: str = "ec2_volume_test_state", **fields: Any):
    """A check defined in the test (not in rules/), validated like any other."""
    from pathlib import Path

    from scanmonster.metadata import parse_check

    raw = {
        "id": check_id,
        "title": "EC2 volumes are in the test state",
        "severity": "LOW",
        "resource_types": ["AWS::EC2::Volume"],
        "trigger": {"change": True},
        "frameworks": {"fsbp": ["EC2.3"]},
        **fields,
    }
    return parse_check(raw, folder=Path("/nonexistent") / check_id, path="test.toml")
