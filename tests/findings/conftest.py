"""Real botocore Security Hub and SNS clients whose HTTP exchanges are answered here.

As in tests/engine/conftest.py: parameter validation against the real API models, request
serialization, response parsing and botocore's retry loop (adaptive mode, the clients use
scanmonster.runtime.clients.BOTO_CONFIG) all run for real; only the bytes on the wire are
ours. moto has no BatchUpdateFindings and ignores GetFindings filters, and Stubber skips
the retry loop, so neither could show throttling or UnprocessedFindings being handled.
"""

from __future__ import annotations

import copy
import datetime
import json
from collections import deque
from typing import Any
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape

import boto3
import pytest
from botocore.awsrequest import AWSResponse

from scanmonster import ROOT
from scanmonster.acceptance import RiskAcceptance
from scanmonster.findings.process import Runtime
from scanmonster.findings.settings import Settings
from scanmonster.runtime.clients import BOTO_CONFIG
from tests.support import registry

FIXTURES = ROOT / "tests" / "fixtures" / "findings"
REGION = "ap-northeast-1"  # the aggregation region of the security account
MEMBER = "123456789012"
TODAY = datetime.date(2026, 11, 28)
TOPIC = "arn:aws:sns:ap-northeast-1:210987654321:scanmonster-findings"
BASE_URL = "https://docs.example.com/scanmonster"
SETTINGS = Settings("en", BASE_URL, TOPIC, "HIGH")

S3_FAILED = "config-s3_bucket_public_access_blocked-failed"
ROOT_MFA_FAILED = "config-iam_root_mfa_enabled-failed"
SG_PASSED = "config-ec2_security_group_admin_ports_restricted-passed"
KMS_NOT_AVAILABLE = "config-kms_key_rotation_enabled-not-available"
FOREIGN_RULE = "config-foreign-rule-failed"
GUARDDUTY = "guardduty-ssh-brute-force"
OURS = (S3_FAILED, ROOT_MFA_FAILED, SG_PASSED, KMS_NOT_AVAILABLE)
NOT_OURS = (FOREIGN_RULE, GUARDDUTY)

# Security Hub is rest-json: operations are told apart by method and path.
_SECURITYHUB_OPERATIONS = {
    ("PATCH", "/findings/batchupdate"): "BatchUpdateFindings",
    ("POST", "/findings"): "GetFindings",
}


def load_finding(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def imported_event(*findings: dict[str, Any]) -> dict[str, Any]:
    """The documented event envelope (fixture) carrying these findings."""
    event = json.loads((FIXTURES / "event-findings-imported.json").read_text(encoding="utf-8"))
    event["detail"]["findings"] = [copy.deepcopy(f) for f in findings]
    return event


def numbered(finding: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """`count` copies of a finding with distinct ids and resources."""
    copies = []
    for i in range(count):
        item = copy.deepcopy(finding)
        item["Id"] = f"{finding['Id']}-{i:04d}"
        item["Resources"][0]["Id"] = f"{finding['Resources'][0]['Id']}-{i:04d}"
        copies.append(item)
    return copies


def apply_update(finding: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """The finding as Security Hub holds it after a BatchUpdateFindings with `params`
    (customer fields only; UserDefinedFields merged key by key)."""
    updated = copy.deepcopy(finding)
    if "Severity" in params:
        updated["Severity"]["Label"] = params["Severity"]["Label"]
    if "Types" in params:
        updated["Types"] = list(params["Types"])
    if "Workflow" in params:
        updated["Workflow"] = dict(params["Workflow"])
    if "Note" in params:
        updated["Note"] = {**params["Note"], "UpdatedAt": "2026-11-28T09:05:00Z"}
    if "UserDefinedFields" in params:
        updated["UserDefinedFields"] = {
            **updated.get("UserDefinedFields", {}),
            **params["UserDefinedFields"],
        }
    return updated


def acceptance(**fields: Any) -> RiskAcceptance:
    values = {
        "id": "lab-public-assets",
        "check": "s3_bucket_public_access_blocked",
        "accounts": (MEMBER,),
        "regions": ("*",),
        "resource": "team-a-public-*",
        "reason": "The bucket serves the public product catalogue; objects are reviewed.",
        "approver": "security-team@example.com",
        "expires": datetime.date(2027, 3, 31),
        **fields,
    }
    return RiskAcceptance(**values)


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any):
        yield self._body


class AwsApi:
    """Answers Security Hub and SNS calls; records the parameters of every call attempted
    and every HTTP attempt (retries included)."""

    def __init__(self) -> None:
        session = boto3.Session(region_name=REGION)
        self.securityhub = session.client("securityhub", config=BOTO_CONFIG)
        self.sns = session.client("sns", config=BOTO_CONFIG)
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.attempts: list[str] = []
        self._answers: dict[str, deque[tuple[int, Any]]] = {}
        for client, service in ((self.securityhub, "securityhub"), (self.sns, "sns")):
            client.meta.events.register(f"before-parameter-build.{service}.*", self._record)
            client.meta.events.register_first(f"before-send.{service}.*", self._answer)

    # -- what the tests queue -------------------------------------------------------------
    def answer(self, operation: str, status: int, body: Any) -> None:
        """Queue the answer to the next attempt of `operation` (default: success)."""
        self._answers.setdefault(operation, deque()).append((status, body))

    def unprocessed(self, *findings: dict[str, Any]) -> None:
        """The next BatchUpdateFindings leaves these findings unprocessed."""
        self.answer(
            "BatchUpdateFindings",
            200,
            {
                "ProcessedFindings": [],
                "UnprocessedFindings": [
                    {
                        "FindingIdentifier": {"Id": f["Id"], "ProductArn": f["ProductArn"]},
                        "ErrorCode": "FindingNotFound",
                        "ErrorMessage": "Finding Not Found",
                    }
                    for f in findings
                ],
            },
        )

    def throttle(self, operation: str, times: int = 1) -> None:
        for _ in range(times):
            self.answer(
                operation, 429, {"__type": "TooManyRequestsException", "message": "Rate exceeded"}
            )

    def pages(self, *pages: list[dict[str, Any]]) -> None:
        """GetFindings answers: one page per argument, linked by NextToken."""
        for index, findings in enumerate(pages):
            body: dict[str, Any] = {"Findings": findings}
            if index < len(pages) - 1:
                body["NextToken"] = f"page-{index + 1}"
            self.answer("GetFindings", 200, body)

    # -- what the tests read --------------------------------------------------------------
    def params(self, operation: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == operation]

    def updates(self) -> list[dict[str, Any]]:
        return self.params("BatchUpdateFindings")

    def published(self) -> list[dict[str, Any]]:
        return self.params("Publish")

    # -- the wire ------------------------------------------------------------------------
    def _record(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.calls.append((model.name, copy.deepcopy(params)))

    def _answer(self, request: Any, **_: Any) -> AWSResponse:
        url = urlparse(request.url)
        if url.hostname and url.hostname.startswith("sns."):
            body = request.body.decode() if isinstance(request.body, bytes) else request.body
            operation = parse_qs(body)["Action"][0]
        else:
            operation = _SECURITYHUB_OPERATIONS[(request.method, url.path)]
        self.attempts.append(operation)
        queue = self._answers.get(operation)
        status, answer = queue.popleft() if queue else (200, None)
        if operation == "Publish":
            return _xml_response(request, status, answer)
        if answer is None:
            answer = self._default_json(operation, request)
        headers = {"Content-Type": "application/json"}
        if status >= 400:
            headers["x-amzn-ErrorType"] = answer["__type"]
        return AWSResponse(request.url, status, headers, _Raw(json.dumps(answer).encode()))

    @staticmethod
    def _default_json(operation: str, request: Any) -> dict[str, Any]:
        if operation == "BatchUpdateFindings":
            sent = json.loads(request.body)["FindingIdentifiers"]
            return {"ProcessedFindings": sent, "UnprocessedFindings": []}
        return {"Findings": []}


def _xml_response(request: Any, status: int, error_code: str | None) -> AWSResponse:
    if status >= 400:
        body = (
            '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error>'
            f"<Type>Sender</Type><Code>{escape(error_code or 'InternalError')}</Code>"
            "<Message>refused</Message></Error><RequestId>r-1</RequestId></ErrorResponse>"
        )
    else:
        body = (
            '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">'
            "<PublishResult><MessageId>m-1</MessageId></PublishResult>"
            "<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>"
        )
    return AWSResponse(request.url, status, {"Content-Type": "text/xml"}, _Raw(body.encode()))


@pytest.fixture
def api() -> AwsApi:
    return AwsApi()


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make_runtime(
    api: AwsApi,
    *,
    acceptances: tuple[RiskAcceptance, ...] = (),
    settings: Settings = SETTINGS,
    today: datetime.date = TODAY,
    sleep: Sleeps | None = None,
) -> Runtime:
    return Runtime(
        settings=settings,
        registry=registry(),
        acceptances=acceptances,
        securityhub=api.securityhub,
        sns=api.sns if settings.topic_arn else None,
        today=today,
        sleep=sleep if sleep is not None else Sleeps(),
    )


NOTE_MAX = 512


def assert_valid_batch_update(params: dict[str, Any]) -> None:
    """What Security Hub documents for BatchUpdateFindings and botocore does not check
    (it checks types and required members, not lengths or patterns)."""
    identifiers = params["FindingIdentifiers"]
    assert 1 <= len(identifiers) <= 100
    assert len({(i["Id"], i["ProductArn"]) for i in identifiers}) == len(identifiers)
    if "Note" in params:
        assert 1 <= len(params["Note"]["Text"]) <= NOTE_MAX
        assert params["Note"]["Text"].strip()
        assert params["Note"]["UpdatedBy"].strip()
    for key, value in params.get("UserDefinedFields", {}).items():
        assert key.strip(), key  # pattern .*\S.*
        assert value.strip(), key
    if "Types" in params:
        assert params["Types"]
        assert all(t.count("/") <= 2 for t in params["Types"])
    if "Workflow" in params:
        assert params["Workflow"]["Status"] in ("NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED")
