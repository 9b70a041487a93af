"""The one-click action "ScanMonster fix": what a person who selected findings in the
Security Hub console and clicked the action would check afterwards.

- The right fix starts: the check's rule, in the finding's own account and Region, through
  the starter role there, with the resource keys AWS Config itself evaluated (never keys
  built from the finding); at most 100 keys a call.
- Findings that must not be fixed (suppressed, archived, passing, not ScanMonster's,
  forged, in a Region the deployment does not cover, without a fix) get a note saying why,
  and nothing is called.
- What AWS refuses (role not assumable, rule or fix not set up, FailedItems) becomes a note
  on the findings concerned while the other groups go on; an unexpected error is noted,
  logged without finding contents, and fails the invocation after all notes are written.
- Every selected finding gets exactly one note (<= 512 characters, in the deployment's
  language) and the field scanmonster_fix; the enricher does not loop on it.

All AWS calls go through real botocore clients with botocore's Stubber: every request is
validated against the API model and the exact parameters are asserted. The event envelope
(tests/fixtures/findings/custom-action-event.json) follows the documented "Security Hub
Findings - Custom Action" format
(https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-cwe-event-formats.html,
awsdocs/aws-security-hub-user-guide doc_source/securityhub-cwe-event-formats.md) with our
action's ARN, name and one Config finding of the same shape as the other fixtures.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import json
import logging
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from scanmonster import ROOT
from scanmonster.aws import BOTO_CONFIG
from scanmonster.findings.asff import FIELD_FIX, parse_finding
from scanmonster.findings.errors import SettingsError
from scanmonster.findings.plan import plan_finding
from scanmonster.findings.settings import Settings
from scanmonster.metadata import Check, Remediation
from scanmonster.remediation import oneclick
from scanmonster.remediation.oneclick import handler, member, texts
from scanmonster.remediation.oneclick import verdicts as v
from scanmonster.remediation.oneclick.events import custom_action_pattern, findings_of
from scanmonster.remediation.oneclick.process import OneClickError, Runtime, fix
from scanmonster.remediation.oneclick.settings import OneClickSettings, load_settings
from scanmonster.runtime.errors import InvalidEventError
from tests.support import registry as real_registry

FIXTURES = ROOT / "tests" / "fixtures" / "findings"
HOME = "ap-northeast-1"  # the security account's aggregation Region: the function runs here
SECURITY = "210987654321"
MEMBER = "123456789012"
OTHER = "234567890123"
ROLE = "ScanMonsterOneClickStarter"
SETTINGS = OneClickSettings("en", ROLE, (HOME, "us-east-1"))
NOW = datetime.datetime(2026, 11, 28, 9, 5, 7, tzinfo=datetime.UTC)
STARTED_FIELD = "started 2026-11-28T09:05:07Z"

S3 = "s3_bucket_public_access_blocked"
SG = "ec2_security_group_admin_ports_restricted"
RDS = "rds_instance_public_access_disabled"
PASSWORD = "iam_password_policy_strong"
ROOT_MFA = "iam_root_mfa_enabled"
S3_DOC = "AWSConfigRemediation-ConfigureS3BucketPublicAccessBlock"
SG_DOC = "ScanMonster-RevokeAdminPortsFromInternet"
RDS_DOC = "AWSConfigRemediation-DisablePublicAccessToRDSInstance"
PASSWORD_DOC = "ScanMonster-StrengthenPasswordPolicy"
# The registry as these tests see it: remediations fixed here, so that the tests do not
# depend on which check.toml files name a document today. Root MFA never has one.
FIXES = {
    S3: Remediation(S3_DOC, "BucketName", {}, ("s3:PutBucketPublicAccessBlock",)),
    SG: Remediation(SG_DOC, "GroupId", {}, ("ec2:RevokeSecurityGroupIngress",)),
    RDS: Remediation(RDS_DOC, "DbiResourceId", {}, ("rds:ModifyDBInstance",)),
    PASSWORD: Remediation(PASSWORD_DOC, None, {}, ("iam:UpdateAccountPasswordPolicy",)),
}
ASFF_TYPES = {
    S3: "AwsS3Bucket",
    SG: "AwsEc2SecurityGroup",
    RDS: "AwsRdsDbInstance",
    PASSWORD: "AwsAccount",
    ROOT_MFA: "AwsAccount",
}


@cache
def fix_registry() -> dict[str, Check]:
    return {
        check_id: dataclasses.replace(check, remediation=FIXES.get(check_id))
        for check_id, check in real_registry().items()
    }


# -- findings and events --------------------------------------------------------------------


def load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def config_finding(
    check_id: str = S3,
    resource: str = "arn:aws:s3:::team-a-public-assets",
    *,
    account: str = MEMBER,
    region: str = HOME,
    number: int = 1,
    **changes: Any,
) -> dict[str, Any]:
    """A finding of AWS Config's integration for our rule `scanmonster-<check_id>`, shaped
    like tests/fixtures/findings/config-*-failed.json."""
    finding = load("config-s3_bucket_public_access_blocked-failed")
    rule_arn = f"arn:aws:config:{region}:{account}:config-rule/config-rule-{check_id[:6]}"
    product_arn = f"arn:aws:securityhub:{region}::product/aws/config"
    finding_id = f"{rule_arn}/finding/{number:040x}"
    finding.update(
        Id=finding_id,
        ProductArn=product_arn,
        Region=region,
        AwsAccountId=account,
        GeneratorId=rule_arn,
        Title=f"scanmonster-{check_id}",
        Resources=[
            {"Type": ASFF_TYPES[check_id], "Id": resource, "Partition": "aws", "Region": region}
        ],
    )
    finding["ProductFields"].update(
        {
            "aws/securityhub/FindingId": f"{product_arn}/{finding_id}",
            "aws/config/ConfigRuleArn": rule_arn,
            "aws/config/ConfigRuleName": f"scanmonster-{check_id}",
        }
    )
    finding.update(changes)
    return finding


def bucket(name: str, number: int, **kwargs: Any) -> dict[str, Any]:
    return config_finding(S3, f"arn:aws:s3:::{name}", number=number, **kwargs)


def account_finding(check_id: str, account: str = MEMBER, number: int = 7) -> dict[str, Any]:
    return config_finding(
        check_id, f"AWS::::Account:{account}", account=account, region="us-east-1", number=number
    )


def click(*findings: dict[str, Any]) -> dict[str, Any]:
    """The documented custom-action event (fixture) carrying these findings."""
    event = load("custom-action-event")
    event["detail"]["findings"] = [copy.deepcopy(f) for f in findings]
    return event


# -- AWS, stubbed ---------------------------------------------------------------------------


class Aws:
    """The function's own STS and Security Hub clients and the member accounts' Config
    clients, each a real botocore client under a Stubber. Records every call as an IAM
    action, with the account and Region it went to."""

    def __init__(self) -> None:
        session = boto3.Session(
            region_name=HOME, aws_access_key_id="testing", aws_secret_access_key="testing"
        )
        self.sts = session.client("sts", config=BOTO_CONFIG)
        self.securityhub = session.client("securityhub", config=BOTO_CONFIG)
        self.stubs = {"sts": Stubber(self.sts), "securityhub": Stubber(self.securityhub)}
        self.configs: dict[tuple[str, str], Any] = {}
        self.calls: list[tuple[str, str, str, dict[str, Any]]] = []  # action, account, region
        self.member_credentials: list[tuple[Mapping[str, str], str]] = []
        self._watch(self.sts, SECURITY, HOME)
        self._watch(self.securityhub, SECURITY, HOME)
        for stub in self.stubs.values():
            stub.activate()

    def _watch(self, client: Any, account: str, region: str) -> None:
        prefix = client.meta.service_model.endpoint_prefix

        def record(params: dict[str, Any], model: Any, **_: Any) -> None:
            self.calls.append((f"{prefix}:{model.name}", account, region, copy.deepcopy(params)))

        client.meta.events.register("before-parameter-build.*.*", record)

    def config(self, account: str, region: str) -> Stubber:
        if (account, region) not in self.configs:
            client = boto3.client(
                "config",
                region_name=region,
                aws_access_key_id=f"ASIA{account}",
                aws_secret_access_key="assumed",
                aws_session_token="assumed-token",
                config=BOTO_CONFIG,
            )
            self._watch(client, account, region)
            stub = Stubber(client)
            stub.activate()
            self.configs[(account, region)] = client
            self.stubs[f"config {account} {region}"] = stub
        return self.stubs[f"config {account} {region}"]

    def member_config(self, credentials: Mapping[str, str], region: str) -> Any:
        """Runtime.member_config: the assumed credentials name the account (see assume)."""
        self.member_credentials.append((dict(credentials), region))
        account = credentials["AccessKeyId"].removeprefix("ASIA")
        self.config(account, region)
        return self.configs[(account, region)]

    # -- what the tests queue ---------------------------------------------------------------
    def assume(self, account: str) -> None:
        self.stubs["sts"].add_response(
            "assume_role",
            {
                "Credentials": {
                    "AccessKeyId": f"ASIA{account}",
                    "SecretAccessKey": "assumed",
                    "SessionToken": "assumed-token",
                    "Expiration": NOW + datetime.timedelta(minutes=15),
                },
                "AssumedRoleUser": {
                    "AssumedRoleId": "AROAEXAMPLEID:scanmonster-one-click",
                    "Arn": f"arn:aws:sts::{account}:assumed-role/{ROLE}/scanmonster-one-click",
                },
            },
            self.assume_params(account),
        )

    def assume_denied(self, account: str) -> None:
        self.stubs["sts"].add_client_error(
            "assume_role",
            service_error_code="AccessDenied",
            service_message="User is not authorized to perform: sts:AssumeRole",
            http_status_code=403,
            expected_params=self.assume_params(account),
        )

    @staticmethod
    def assume_params(account: str) -> dict[str, Any]:
        return {
            "RoleArn": f"arn:aws:iam::{account}:role/{ROLE}",
            "RoleSessionName": "scanmonster-one-click",
            "DurationSeconds": 900,
        }

    def non_compliant(
        self,
        account: str,
        region: str,
        check_id: str,
        keys: list[tuple[str, str]],
        *,
        page_size: int = 100,
    ) -> None:
        """GetComplianceDetailsByConfigRule answers: these (type, id) keys, in pages."""
        rule = f"scanmonster-{check_id}"
        pages = [keys[i : i + page_size] for i in range(0, len(keys), page_size)] or [[]]
        for index, page in enumerate(pages):
            response: dict[str, Any] = {"EvaluationResults": [_result(rule, k) for k in page]}
            params: dict[str, Any] = {
                "ConfigRuleName": rule,
                "ComplianceTypes": ["NON_COMPLIANT"],
                "Limit": 100,
            }
            if index:
                params["NextToken"] = f"page-{index}"
            if index < len(pages) - 1:
                response["NextToken"] = f"page-{index + 1}"
            self.config(account, region).add_response(
                "get_compliance_details_by_config_rule", response, params
            )

    def start(
        self,
        account: str,
        region: str,
        check_id: str,
        keys: list[tuple[str, str]],
        *,
        failed: tuple[tuple[str, str], ...] = (),
        message: str | None = None,
    ) -> None:
        response: dict[str, Any] = {}
        if failed:
            response["FailedItems"] = [{"resourceType": t, "resourceId": i} for t, i in failed]
        if message:
            response["FailureMessage"] = message
        self.config(account, region).add_response(
            "start_remediation_execution",
            response,
            {
                "ConfigRuleName": f"scanmonster-{check_id}",
                "ResourceKeys": [{"resourceType": t, "resourceId": i} for t, i in keys],
            },
        )

    def config_error(self, account: str, region: str, method: str, code: str) -> None:
        self.config(account, region).add_client_error(
            method, service_error_code=code, service_message="refused", http_status_code=400
        )

    def notes(self, calls: int = 1, *, unprocessed: tuple[dict[str, Any], ...] = ()) -> None:
        """Queue `calls` BatchUpdateFindings answers; the first leaves `unprocessed` out."""
        for index in range(calls):
            refused = unprocessed if index == 0 else ()
            self.stubs["securityhub"].add_response(
                "batch_update_findings",
                {
                    "ProcessedFindings": [],
                    "UnprocessedFindings": [
                        {
                            "FindingIdentifier": {"Id": f["Id"], "ProductArn": f["ProductArn"]},
                            "ErrorCode": "FindingNotFound",
                            "ErrorMessage": "Finding Not Found",
                        }
                        for f in refused
                    ],
                },
            )

    # -- what the tests read ----------------------------------------------------------------
    def actions(self) -> list[str]:
        return [action for action, *_ in self.calls]

    def params(self, action: str) -> list[dict[str, Any]]:
        return [params for name, _, _, params in self.calls if name == action]

    def note_calls(self) -> list[dict[str, Any]]:
        return self.params("securityhub:BatchUpdateFindings")

    def notes_by_finding(self) -> dict[str, tuple[str, str]]:
        """Finding id -> (note text, scanmonster_fix), from every BatchUpdateFindings."""
        notes: dict[str, tuple[str, str]] = {}
        for params in self.note_calls():
            assert_valid_note_update(params)
            for identifier in params["FindingIdentifiers"]:
                assert identifier["Id"] not in notes, "a finding got two notes"
                notes[identifier["Id"]] = (
                    params["Note"]["Text"],
                    params["UserDefinedFields"][FIELD_FIX],
                )
        return notes

    def assert_all_answered(self) -> None:
        for stub in self.stubs.values():
            stub.assert_no_pending_responses()


def _result(rule: str, key: tuple[str, str]) -> dict[str, Any]:
    return {
        "EvaluationResultIdentifier": {
            "EvaluationResultQualifier": {
                "ConfigRuleName": rule,
                "ResourceType": key[0],
                "ResourceId": key[1],
                "EvaluationMode": "DETECTIVE",
            },
            "OrderingTimestamp": NOW - datetime.timedelta(hours=1),
        },
        "ComplianceType": "NON_COMPLIANT",
        "ResultRecordedTime": NOW - datetime.timedelta(hours=1),
        "ConfigRuleInvokedTime": NOW - datetime.timedelta(hours=1),
        "Annotation": "Block Public Access is off.",
    }


def assert_valid_note_update(params: dict[str, Any]) -> None:
    """What Security Hub documents and botocore does not check: at most 100 distinct
    findings, a non-blank note of at most 512 characters, non-blank field values
    (UserDefinedFields: <= 50 pairs, key <= 128, value <= 1024 characters)."""
    identifiers = params["FindingIdentifiers"]
    assert 1 <= len(identifiers) <= 100
    assert len({(i["Id"], i["ProductArn"]) for i in identifiers}) == len(identifiers)
    assert set(params) == {"FindingIdentifiers", "Note", "UserDefinedFields"}
    assert 1 <= len(params["Note"]["Text"]) <= 512
    assert params["Note"]["Text"].strip()
    assert params["Note"]["UpdatedBy"] == "scanmonster-one-click"
    assert params["UserDefinedFields"].keys() == {FIELD_FIX}
    assert 1 <= len(params["UserDefinedFields"][FIELD_FIX].strip()) <= 1024


@pytest.fixture
def aws() -> Aws:
    return Aws()


def run(
    aws: Aws,
    *findings: dict[str, Any],
    settings: OneClickSettings = SETTINGS,
    sleeps: list[float] | None = None,
) -> dict[str, int]:
    runtime = Runtime(
        settings=settings,
        registry=fix_registry(),
        sts=aws.sts,
        securityhub=aws.securityhub,
        member_config=aws.member_config,
        now=lambda: NOW,
        sleep=(sleeps if sleeps is not None else []).append,
    )
    return fix(findings_of(click(*findings)), runtime).as_dict()


# -- the event ------------------------------------------------------------------------------


def test_the_documented_custom_action_event_is_read() -> None:
    event = load("custom-action-event")
    assert event["detail-type"] == "Security Hub Findings - Custom Action"
    assert event["detail"]["actionName"] == oneclick.ACTION_NAME
    (finding,) = findings_of(event)
    assert finding["Id"] == load("config-s3_bucket_public_access_blocked-failed")["Id"]
    # The action as the console allows it: name and id at most 20 characters, id alphanumeric.
    assert len(oneclick.ACTION_NAME) <= 20
    assert oneclick.ACTION_ID.isalnum()
    assert len(oneclick.ACTION_ID) <= 20


def test_the_rule_pattern_matches_the_action_target() -> None:
    arn = f"arn:aws:securityhub:{HOME}:{SECURITY}:action/custom/ScanMonsterFix"
    assert custom_action_pattern(arn) == {
        "source": ["aws.securityhub"],
        "detail-type": ["Security Hub Findings - Custom Action"],
        "resources": [arn],
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.update({"detail-type": "Security Hub Findings - Imported"}), "expected"),
        (lambda e: e.update({"source": "aws.config"}), "expected"),
        (
            lambda e: e.update(
                resources=[f"arn:aws:securityhub:{HOME}:{SECURITY}:action/custom/SendToChat"]
            ),
            "not from the custom action 'ScanMonsterFix'",
        ),
        (lambda e: e.pop("resources"), "not from the custom action"),
        (lambda e: e["detail"].update(findings="all"), "detail.findings must be a list"),
        (lambda e: e["detail"]["findings"][0].pop("ProductArn"), r"findings\[0\].ProductArn"),
    ],
)
def test_a_misrouted_or_malformed_event_fails_before_any_call(
    change: Callable[[dict[str, Any]], Any], message: str
) -> None:
    event = load("custom-action-event")
    change(event)
    with pytest.raises(InvalidEventError, match=message):
        findings_of(event)


# -- starting fixes -------------------------------------------------------------------------


def test_starts_the_checks_fix_in_the_findings_own_account_and_region(aws: Aws) -> None:
    aws.assume(MEMBER)
    # Config lists two non-compliant buckets; only the selected one is started.
    aws.non_compliant(
        MEMBER,
        HOME,
        S3,
        [("AWS::S3::Bucket", "team-b-logs"), ("AWS::S3::Bucket", "team-a-public-assets")],
    )
    aws.start(MEMBER, HOME, S3, [("AWS::S3::Bucket", "team-a-public-assets")])
    aws.notes(1)
    finding = load("config-s3_bucket_public_access_blocked-failed")

    result = run(aws, finding)

    assert result == {"findings": 1, "started": 1, "refused": 0, "failed": 0}
    aws.assert_all_answered()
    assert aws.actions() == [
        "sts:AssumeRole",
        "config:GetComplianceDetailsByConfigRule",
        "config:StartRemediationExecution",
        "securityhub:BatchUpdateFindings",
    ]
    # Config was called in the finding's account and Region, with the assumed credentials.
    assert [(a, r) for _, a, r, _ in aws.calls[1:3]] == [(MEMBER, HOME), (MEMBER, HOME)]
    ((credentials, region),) = aws.member_credentials
    assert (credentials["AccessKeyId"], region) == (f"ASIA{MEMBER}", HOME)
    (update,) = aws.note_calls()
    assert update == {
        "FindingIdentifiers": [{"Id": finding["Id"], "ProductArn": finding["ProductArn"]}],
        "Note": {
            "Text": (
                "ScanMonster started the fix at 2026-11-28 09:05 UTC: the AWS Systems Manager "
                f"Automation runbook {S3_DOC} runs in account {MEMBER}, Region {HOME}. This "
                "finding turns to PASSED when AWS Config checks the resource again (usually "
                "within a few minutes). If it stays FAILED, open AWS Config in that account "
                f"and Region, rule scanmonster-{S3}, to see the status of the fix."
            ),
            "UpdatedBy": "scanmonster-one-click",
        },
        "UserDefinedFields": {FIELD_FIX: STARTED_FIELD},
    }


def test_more_than_100_resources_are_started_in_chunks_of_100(aws: Aws) -> None:
    findings = [bucket(f"data-{i:03d}", i) for i in range(205)]
    keys = [("AWS::S3::Bucket", f"data-{i:03d}") for i in range(205)]
    aws.assume(MEMBER)
    aws.non_compliant(MEMBER, HOME, S3, keys)  # three pages: 100, 100, 5
    for start in (0, 100, 200):
        aws.start(MEMBER, HOME, S3, keys[start : start + 100])
    aws.notes(3)  # one identical note: 205 findings in calls of at most 100

    result = run(aws, *findings)

    assert result["started"] == 205
    aws.assert_all_answered()
    assert aws.actions().count("sts:AssumeRole") == 1
    starts = aws.params("config:StartRemediationExecution")
    assert [len(p["ResourceKeys"]) for p in starts] == [100, 100, 5]
    assert [len(p["FindingIdentifiers"]) for p in aws.note_calls()] == [100, 100, 5]
    notes = aws.notes_by_finding()
    assert len(notes) == 205
    assert {field for _, field in notes.values()} == {STARTED_FIELD}


def test_one_role_session_per_account_and_one_group_per_account_region_and_check(
    aws: Aws,
) -> None:
    s3 = bucket("team-a-public-assets", 1)
    sg = config_finding(SG, f"arn:aws:ec2:{HOME}:{MEMBER}:security-group/sg-0a1b2c3d4e5f67890")
    s3_virginia = bucket("team-a-us-assets", 2, region="us-east-1")
    s3_other = bucket("team-c-assets", 3, account=OTHER)
    aws.assume(MEMBER)
    aws.non_compliant(MEMBER, HOME, S3, [("AWS::S3::Bucket", "team-a-public-assets")])
    aws.start(MEMBER, HOME, S3, [("AWS::S3::Bucket", "team-a-public-assets")])
    aws.non_compliant(MEMBER, HOME, SG, [("AWS::EC2::SecurityGroup", "sg-0a1b2c3d4e5f67890")])
    aws.start(MEMBER, HOME, SG, [("AWS::EC2::SecurityGroup", "sg-0a1b2c3d4e5f67890")])
    aws.non_compliant(MEMBER, "us-east-1", S3, [("AWS::S3::Bucket", "team-a-us-assets")])
    aws.start(MEMBER, "us-east-1", S3, [("AWS::S3::Bucket", "team-a-us-assets")])
    aws.assume(OTHER)
    aws.non_compliant(OTHER, HOME, S3, [("AWS::S3::Bucket", "team-c-assets")])
    aws.start(OTHER, HOME, S3, [("AWS::S3::Bucket", "team-c-assets")])
    aws.notes(4)  # each group's note names its own account, Region and document

    result = run(aws, s3, sg, s3_virginia, s3_other)

    assert result["started"] == 4
    aws.assert_all_answered()
    assert [p["RoleArn"] for p in aws.params("sts:AssumeRole")] == [
        f"arn:aws:iam::{MEMBER}:role/{ROLE}",
        f"arn:aws:iam::{OTHER}:role/{ROLE}",
    ]
    starts = [
        (account, region, params["ConfigRuleName"])
        for action, account, region, params in aws.calls
        if action == "config:StartRemediationExecution"
    ]
    assert starts == [
        (MEMBER, HOME, f"scanmonster-{S3}"),
        (MEMBER, HOME, f"scanmonster-{SG}"),
        (MEMBER, "us-east-1", f"scanmonster-{S3}"),
        (OTHER, HOME, f"scanmonster-{S3}"),
    ]
    notes = aws.notes_by_finding()
    assert SG_DOC in notes[sg["Id"]][0]
    assert f"account {OTHER}, Region {HOME}" in notes[s3_other["Id"]][0]
    assert f"account {MEMBER}, Region us-east-1" in notes[s3_virginia["Id"]][0]


def test_an_account_level_check_is_fixed_on_the_account_and_waits_for_its_schedule(
    aws: Aws,
) -> None:
    finding = account_finding(PASSWORD)
    aws.assume(MEMBER)
    aws.non_compliant(MEMBER, "us-east-1", PASSWORD, [("AWS::::Account", MEMBER)])
    aws.start(MEMBER, "us-east-1", PASSWORD, [("AWS::::Account", MEMBER)])
    aws.notes(1)

    assert run(aws, finding)["started"] == 1

    aws.assert_all_answered()
    text, field = aws.notes_by_finding()[finding["Id"]]
    assert field == STARTED_FIELD
    assert PASSWORD_DOC in text
    # A daily check sees the fix at its next run, not within minutes.
    assert "at its next scheduled check, within 24 hours" in text


def test_an_rds_instance_is_found_by_its_arn_in_configs_own_records(aws: Aws) -> None:
    """Config evaluates an RDS instance under its DbiResourceId; the finding shows the
    instance ARN. The key comes from an advanced query on the ARN, after validation."""
    arn = f"arn:aws:rds:{HOME}:{MEMBER}:db:orders"
    finding = config_finding(RDS, arn)
    aws.assume(MEMBER)
    aws.non_compliant(
        MEMBER,
        HOME,
        RDS,
        [
            ("AWS::RDS::DBInstance", "db-KOCU7UR74VM3AC4R3H2UXX7PE4"),
            ("AWS::RDS::DBInstance", "db-MHEGTMFH4QCW4XPXTCVQ2BOMMQ"),
        ],
    )
    aws.config(MEMBER, HOME).add_response(
        "select_resource_config",
        {
            "Results": [
                json.dumps(
                    {
                        "resourceId": "db-MHEGTMFH4QCW4XPXTCVQ2BOMMQ",
                        "resourceType": "AWS::RDS::DBInstance",
                        "arn": arn,
                    }
                )
            ],
            "QueryInfo": {
                "SelectFields": [{"Name": "resourceId"}, {"Name": "resourceType"}, {"Name": "arn"}]
            },
        },
        {
            "Expression": (
                "SELECT resourceId, resourceType, arn WHERE resourceType IN "
                f"('AWS::RDS::DBInstance') AND arn IN ('{arn}')"
            ),
            "Limit": 100,
        },
    )
    aws.start(MEMBER, HOME, RDS, [("AWS::RDS::DBInstance", "db-MHEGTMFH4QCW4XPXTCVQ2BOMMQ")])
    aws.notes(1)

    assert run(aws, finding)["started"] == 1

    aws.assert_all_answered()
    # Every IAM action the code called is declared, and every declared one was needed.
    member_actions = {a for a, account, _, _ in aws.calls if account == MEMBER}
    own_actions = {a for a, account, _, _ in aws.calls if account == SECURITY}
    assert member_actions == set(oneclick.MEMBER_ACTIONS)
    assert own_actions == set(oneclick.OWN_ACTIONS)


@pytest.mark.parametrize(
    "arn",
    [
        f"arn:aws:rds:{HOME}:{MEMBER}:db:orders') OR resourceType IN ('AWS::S3::Bucket",
        f"arn:aws:rds:{HOME}:{MEMBER}:db:orders x",
        f"arn:aws:rds:{HOME}:{OTHER}:db:orders",  # another account than the finding's
        f"arn:aws:rds:us-east-1:{MEMBER}:db:orders",  # another Region
        "arn:aws-cn:rds:cn-north-1:123456789012:db:orders",
    ],
)
def test_an_arn_that_is_not_plainly_the_findings_own_never_reaches_a_query(
    aws: Aws, arn: str
) -> None:
    finding = config_finding(RDS, arn)
    aws.assume(MEMBER)
    aws.non_compliant(
        MEMBER, HOME, RDS, [("AWS::RDS::DBInstance", "db-MHEGTMFH4QCW4XPXTCVQ2BOMMQ")]
    )
    aws.notes(1)

    result = run(aws, finding)

    assert result["refused"] == 1
    aws.assert_all_answered()
    assert "config:SelectResourceConfig" not in aws.actions()
    assert "config:StartRemediationExecution" not in aws.actions()
    text, field = aws.notes_by_finding()[finding["Id"]]
    assert field == "refused"
    assert "does not list this resource as failing rule" in text


def test_long_arn_lists_are_split_into_queries_that_fit() -> None:
    arns = [f"arn:aws:rds:{HOME}:{MEMBER}:db:{'x' * 50}-{i:03d}" for i in range(200)]
    expressions = list(member._expressions(arns, ["AWS::RDS::DBInstance"]))
    assert len(expressions) > 1
    assert all(len(e) <= member.MAX_EXPRESSION for e in expressions)
    quoted = [a for e in expressions for a in e.split("arn IN (", 1)[1].rstrip(")").split(", ")]
    assert quoted == [f"'{a}'" for a in arns]


# -- refusals: a note each, no call ---------------------------------------------------------


def _forged(finding: dict[str, Any]) -> dict[str, Any]:
    # A finding imported by someone's own product that copies Config's ProductFields.
    finding["ProductArn"] = f"arn:aws:securityhub:{HOME}:{MEMBER}:product/{MEMBER}/default"
    return finding


def _config_arn_of_another_region(finding: dict[str, Any]) -> dict[str, Any]:
    finding["ProductArn"] = "arn:aws:securityhub:us-east-1::product/aws/config"
    return finding


REFUSALS = {
    "suppressed": (
        lambda f: f.update(Workflow={"Status": "SUPPRESSED"}, WorkflowState="SUPPRESSED"),
        "the risk of this finding is accepted (suppressed); remove the acceptance first",
    ),
    "archived": (lambda f: f.update(RecordState="ARCHIVED"), "this finding is archived"),
    "passed": (
        lambda f: f.update(Compliance={"Status": "PASSED"}, Workflow={"Status": "RESOLVED"}),
        "the compliance status of this finding is PASSED, not FAILED",
    ),
    "another product": (lambda f: load("guardduty-ssh-brute-force"), "not a ScanMonster finding"),
    "another Config rule": (
        lambda f: load("config-foreign-rule-failed"),
        "not a ScanMonster finding",
    ),
    "forged ProductArn": (_forged, "not a ScanMonster finding"),
    "Config's ProductArn of another Region": (
        _config_arn_of_another_region,
        "not a ScanMonster finding",
    ),
    "an unknown Region": (
        lambda f: config_finding(S3, "arn:aws:s3:::team-a-eu", region="eu-west-1"),
        "it is not deployed in this finding's Region",
    ),
    "an invalid account": (
        lambda f: f.update(AwsAccountId="12345678901x"),
        "does not name a valid AWS account",
    ),
    "no remediation": (
        lambda f: account_finding(ROOT_MFA),
        f"no automatic fix for the check {ROOT_MFA}",
    ),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_a_finding_that_must_not_be_fixed_gets_a_note_and_nothing_is_called(
    aws: Aws, case: str
) -> None:
    change, phrase = REFUSALS[case]
    finding = load("config-s3_bucket_public_access_blocked-failed")
    finding = change(finding) or finding
    aws.notes(1)

    result = run(aws, finding)

    assert result == {"findings": 1, "started": 0, "refused": 1, "failed": 0}
    aws.assert_all_answered()
    assert aws.actions() == ["securityhub:BatchUpdateFindings"]
    text, field = aws.notes_by_finding()[finding["Id"]]
    assert phrase in text
    assert field == "refused"


def test_refusals_and_fixes_in_one_click(aws: Aws) -> None:
    started = bucket("team-a-public-assets", 1)
    suppressed = bucket("team-a-catalogue", 2, Workflow={"Status": "SUPPRESSED"})
    gone = bucket("team-a-old", 3)  # Config no longer lists it as non-compliant
    duplicate = copy.deepcopy(started)  # the same finding twice in one event
    aws.assume(MEMBER)
    aws.non_compliant(MEMBER, HOME, S3, [("AWS::S3::Bucket", "team-a-public-assets")])
    aws.start(MEMBER, HOME, S3, [("AWS::S3::Bucket", "team-a-public-assets")])
    aws.notes(3)

    result = run(aws, started, suppressed, gone, duplicate)

    assert result == {"findings": 3, "started": 1, "refused": 2, "failed": 0}
    aws.assert_all_answered()
    notes = aws.notes_by_finding()
    assert notes[started["Id"]][1] == STARTED_FIELD
    assert notes[suppressed["Id"]][1] == "refused"
    assert notes[gone["Id"]] == (
        "ScanMonster did not start a fix: AWS Config does not list this resource as failing "
        f"rule scanmonster-{S3} right now (it may already be fixed). If this finding is still "
        "FAILED after AWS Config checks the resource again, try once more.",
        "refused",
    )


def test_a_refusal_keeps_the_acceptance_note_it_answers(aws: Aws) -> None:
    """Nothing is lost: the note of a suppressed finding holds the acceptance (reason,
    approver, expiry); the refusal comes first and the acceptance stays below it."""
    acceptance = (
        "Risk accepted (public-website) by security-team@example.com until 2027-03-31 (UTC). "
        "Reason: The bucket serves the public website."
    )
    suppressed = bucket(
        "team-a-website",
        2,
        Workflow={"Status": "SUPPRESSED"},
        Note={"Text": acceptance, "UpdatedBy": "scanmonster", "UpdatedAt": "2026-11-01T00:00:00Z"},
    )
    aws.notes(1)

    run(aws, suppressed)

    text, field = aws.notes_by_finding()[suppressed["Id"]]
    assert field == "refused"
    assert text.startswith("ScanMonster did not start a fix")
    assert text.endswith(f"Earlier note: {acceptance}")


def test_a_second_click_replaces_the_first_note_and_a_long_note_is_cut(aws: Aws) -> None:
    clicked_before = bucket(
        "team-a-public-assets",
        1,
        Note={"Text": "ScanMonster started the fix at ...", "UpdatedBy": "scanmonster-one-click"},
    )
    long_comment = bucket(
        "team-a-catalogue",
        2,
        Workflow={"Status": "SUPPRESSED"},
        Note={"Text": "Talked to the owner. " * 40, "UpdatedBy": "alice"},
    )
    aws.assume(MEMBER)
    aws.non_compliant(MEMBER, HOME, S3, [("AWS::S3::Bucket", "team-a-public-assets")])
    aws.start(MEMBER, HOME, S3, [("AWS::S3::Bucket", "team-a-public-assets")])
    aws.notes(2)

    run(aws, clicked_before, long_comment)

    notes = aws.notes_by_finding()
    assert "Earlier note" not in notes[clicked_before["Id"]][0]
    text = notes[long_comment["Id"]][0]
    assert len(text) == 512
    assert text.startswith("ScanMonster did not start a fix")  # the verdict is never cut
    assert "Earlier note: Talked to the owner." in text
    assert text.endswith("…")


# -- what AWS refuses -----------------------------------------------------------------------


def test_failed_items_and_access_denied_become_notes_and_other_groups_go_on(aws: Aws) -> None:
    busy = bucket("team-a-busy", 1)
    free = bucket("team-a-free", 2)
    denied = bucket("team-c-assets", 3, account=OTHER)
    denied_sg = config_finding(
        SG, f"arn:aws:ec2:{HOME}:{OTHER}:security-group/sg-0123456789abcdef0", account=OTHER
    )
    later = bucket("team-a-us-assets", 4, region="us-east-1")
    aws.assume(MEMBER)
    keys = [("AWS::S3::Bucket", "team-a-busy"), ("AWS::S3::Bucket", "team-a-free")]
    aws.non_compliant(MEMBER, HOME, S3, keys)
    aws.start(
        MEMBER,
        HOME,
        S3,
        keys,
        failed=(keys[0],),
        message="Remediation is already in progress for the resource.",
    )
    aws.assume_denied(OTHER)  # asked once: the account's second group is answered from it
    aws.non_compliant(MEMBER, "us-east-1", S3, [("AWS::S3::Bucket", "team-a-us-assets")])
    aws.start(MEMBER, "us-east-1", S3, [("AWS::S3::Bucket", "team-a-us-assets")])
    aws.notes(4)  # both denied findings share one identical note

    result = run(aws, busy, free, denied, denied_sg, later)

    assert result == {"findings": 5, "started": 2, "refused": 0, "failed": 3}
    aws.assert_all_answered()
    assert aws.actions().count("sts:AssumeRole") == 2
    notes = aws.notes_by_finding()
    assert notes[busy["Id"]] == (
        "ScanMonster asked AWS Config to fix this resource, but AWS Config did not start the "
        "fix. A fix that is still running for the same resource must finish first: try again "
        "in a few minutes. AWS Config said: Remediation is already in progress for the "
        "resource.",
        "failed",
    )
    assert notes[free["Id"]][1] == STARTED_FIELD
    assert notes[later["Id"]][1] == STARTED_FIELD
    for finding in (denied, denied_sg):
        text, field = notes[finding["Id"]]
        assert field == "failed"
        assert f"it may not act in account {OTHER}. Its role {ROLE} there is missing" in text


@pytest.mark.parametrize(
    ("method", "code", "phrase"),
    [
        (
            "get_compliance_details_by_config_rule",
            "NoSuchConfigRuleException",
            f"the AWS Config rule scanmonster-{S3} does not exist in account {MEMBER}",
        ),
        (
            "get_compliance_details_by_config_rule",
            "AccessDeniedException",
            f"its role {ROLE} in account {MEMBER} may not use AWS Config in Region {HOME}",
        ),
        (
            "start_remediation_execution",
            "NoSuchRemediationConfigurationException",
            "has no fix set up (no remediation configuration",
        ),
        (
            "start_remediation_execution",
            "InsufficientPermissionsException",
            "lacks a permission it needs to run the fix",
        ),
    ],
)
def test_a_rule_or_fix_not_set_up_in_the_account_becomes_a_note(
    aws: Aws, method: str, code: str, phrase: str
) -> None:
    finding = bucket("team-a-public-assets", 1)
    aws.assume(MEMBER)
    if method == "start_remediation_execution":
        aws.non_compliant(MEMBER, HOME, S3, [("AWS::S3::Bucket", "team-a-public-assets")])
    aws.config_error(MEMBER, HOME, method, code)
    aws.notes(1)

    result = run(aws, finding)

    assert result["failed"] == 1
    aws.assert_all_answered()
    text, field = aws.notes_by_finding()[finding["Id"]]
    assert phrase in text
    assert "Ask the ScanMonster administrators" in text
    assert field == "failed"


def test_an_unexpected_error_fails_the_run_after_every_note_is_written(
    aws: Aws, caplog: pytest.LogCaptureFixture
) -> None:
    throttled = bucket("team-a-secret-project", 1)
    fine = bucket("team-a-us-assets", 2, region="us-east-1")
    aws.assume(MEMBER)
    aws.config_error(MEMBER, HOME, "get_compliance_details_by_config_rule", "ThrottlingException")
    aws.non_compliant(MEMBER, "us-east-1", S3, [("AWS::S3::Bucket", "team-a-us-assets")])
    aws.start(MEMBER, "us-east-1", S3, [("AWS::S3::Bucket", "team-a-us-assets")])
    aws.notes(2)

    with caplog.at_level(logging.INFO), pytest.raises(OneClickError) as failure:
        run(aws, throttled, fine)

    aws.assert_all_answered()
    notes = aws.notes_by_finding()
    assert notes[fine["Id"]][1] == STARTED_FIELD
    assert notes[throttled["Id"]][1] == "failed"
    assert "unexpected error" in notes[throttled["Id"]][0]
    assert str(failure.value) == (
        f"1 unexpected error(s): {S3} in {MEMBER}/{HOME}: "
        "GetComplianceDetailsByConfigRule failed with ThrottlingException"
    )
    assert "ThrottlingException" in caplog.text
    for secret in ("team-a-secret-project", throttled["Id"], "Block Public Access"):
        assert secret not in caplog.text


def test_a_bug_is_logged_by_type_and_line_never_by_message(
    aws: Aws, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    finding = bucket("team-a-secret-project", 1)

    def broken(*_: Any, **__: Any) -> Any:
        raise ValueError("team-a-secret-project")

    monkeypatch.setattr(member, "resolve_keys", broken)
    aws.assume(MEMBER)
    aws.notes(1)

    with caplog.at_level(logging.INFO), pytest.raises(OneClickError, match="ValueError at"):
        run(aws, finding)

    assert aws.notes_by_finding()[finding["Id"]][1] == "failed"
    assert "team-a-secret-project" not in caplog.text


def test_notes_security_hub_did_not_take_are_retried_then_reported(aws: Aws) -> None:
    finding = bucket("team-a-public-assets", 1)
    aws.assume(MEMBER)
    aws.non_compliant(MEMBER, HOME, S3, [("AWS::S3::Bucket", "team-a-public-assets")])
    aws.start(MEMBER, HOME, S3, [("AWS::S3::Bucket", "team-a-public-assets")])
    aws.notes(1, unprocessed=(finding,))
    aws.notes(1, unprocessed=(finding,))
    aws.notes(1, unprocessed=(finding,))
    sleeps: list[float] = []

    with pytest.raises(OneClickError, match="did not take the note of 1 finding"):
        run(aws, finding, sleeps=sleeps)

    aws.assert_all_answered()
    assert len(aws.note_calls()) == 3  # the same note, retried
    assert sleeps == [0.5, 1.0]


# -- language and texts ---------------------------------------------------------------------


def test_notes_are_written_in_japanese_when_the_deployment_is(aws: Aws) -> None:
    started = bucket("team-a-public-assets", 1)
    suppressed = bucket("team-a-catalogue", 2, Workflow={"Status": "SUPPRESSED"})
    aws.assume(MEMBER)
    aws.non_compliant(MEMBER, HOME, S3, [("AWS::S3::Bucket", "team-a-public-assets")])
    aws.start(MEMBER, HOME, S3, [("AWS::S3::Bucket", "team-a-public-assets")])
    aws.notes(2)

    run(aws, started, suppressed, settings=dataclasses.replace(SETTINGS, language="ja"))

    notes = aws.notes_by_finding()
    text, field = notes[started["Id"]]
    assert field == STARTED_FIELD  # the field is for filters: the same in every language
    assert text == (
        "ScanMonster が修正を開始しました（2026-11-28 09:05 UTC）。アカウント "
        f"{MEMBER}、リージョン {HOME} で AWS Systems Manager Automation のランブック "
        f"{S3_DOC} が実行されます。AWS Config がリソースを再チェックすると、この検出結果は "
        "PASSED に変わります（通常は数分以内）。FAILED のままの場合は、そのアカウントと"
        f"リージョンの AWS Config でルール scanmonster-{S3} を開き、修正の状況を確認して"
        "ください。"
    )
    assert (
        "リスクは受容されています（抑制中）。先に受容を取り消してください"
        in notes[suppressed["Id"]][0]
    )


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("reason", [v.FIX_STARTED, *v.REFUSALS, *v.FAILURES])
def test_every_note_fits_security_hub_and_names_only_known_facts(
    language: str, reason: str
) -> None:
    facts = {
        **texts.facts_for(
            check_id="s3_bucket_public_access_blocked",
            rule="scanmonster-s3_bucket_public_access_blocked",
            document="AWSConfigRemediation-" + "X" * 100,
            account=MEMBER,
            region="ap-southeast-5",
            role="R" * 64,
            change_triggered=False,
            periodic_frequency="One_Hour",
        ),
        "status": "NOT_AVAILABLE",
        "time": "2026-11-28T09:05:07Z",
        "message": "Remediation failed. " * 100,
    }
    text = texts.note_text(v.Verdict(v.FindingRef("id", "arn"), reason, facts), language)
    assert 1 <= len(text) <= 512
    assert "{" not in text
    assert "}" not in text


def test_the_wait_sentence_follows_the_checks_schedule() -> None:
    assert texts.wait_sentence("", "en") == "usually within a few minutes"
    assert texts.wait_sentence("1", "en") == "at its next scheduled check, within 1 hour"
    assert texts.wait_sentence("12", "en") == "at its next scheduled check, within 12 hours"
    assert texts.wait_sentence("24", "ja") == "次の定期チェック時、最長 24 時間後"


def test_the_enricher_does_not_loop_on_our_note_nor_overwrite_it() -> None:
    """Security Hub emits "Findings - Imported" after our BatchUpdateFindings; the
    enricher must skip that event (plan None), keeping our note."""
    check = fix_registry()[S3]
    settings = Settings("en", "https://docs.example.com/scanmonster", None, "HIGH")
    enriched = load("config-s3_bucket_public_access_blocked-failed")
    enriched["UserDefinedFields"] = {"scanmonster": "true", "scanmonster_state": "FAILED"}
    ours = copy.deepcopy(enriched)
    ours["UserDefinedFields"][FIELD_FIX] = STARTED_FIELD
    ours["Note"] = {"Text": "ScanMonster started the fix…", "UpdatedBy": "scanmonster-one-click"}
    plan = plan_finding(
        parse_finding(ours),
        check,
        settings=settings,
        summary="summary",
        acceptances=(),
        today=NOW.date(),
    )
    assert plan is None


# -- settings and the Lambda entry point ----------------------------------------------------

ENVIRONMENT = {
    "SCANMONSTER_LANGUAGE": "en",
    "SCANMONSTER_STARTER_ROLE": ROLE,
    "SCANMONSTER_REGIONS": "ap-northeast-1, us-east-1,ap-northeast-1",
}


def test_settings_from_the_environment() -> None:
    assert load_settings(ENVIRONMENT) == OneClickSettings(
        "en", ROLE, ("ap-northeast-1", "us-east-1")
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SCANMONSTER_LANGUAGE", None, "SCANMONSTER_LANGUAGE: required, not set"),
        ("SCANMONSTER_LANGUAGE", "fr", "SCANMONSTER_LANGUAGE: 'fr' is not one of en, ja"),
        ("SCANMONSTER_STARTER_ROLE", " ", "SCANMONSTER_STARTER_ROLE: required, not set"),
        (
            "SCANMONSTER_STARTER_ROLE",
            "team/Starter",
            "SCANMONSTER_STARTER_ROLE: 'team/Starter' is not an IAM role name",
        ),
        ("SCANMONSTER_REGIONS", None, "SCANMONSTER_REGIONS: required, not set"),
        (
            "SCANMONSTER_REGIONS",
            "ap-northeast-1,Tokyo",
            "SCANMONSTER_REGIONS: item 2 'Tokyo' is not an AWS Region",
        ),
        ("SCANMONSTER_REGIONS", "us-east-1,,", "SCANMONSTER_REGIONS: item 2 '' is not"),
    ],
)
def test_a_settings_error_names_the_variable(
    variable: str, value: str | None, message: str
) -> None:
    environ = dict(ENVIRONMENT)
    if value is None:
        environ.pop(variable)
    else:
        environ[variable] = value
    with pytest.raises(SettingsError, match=message.replace("(", r"\(")) as error:
        load_settings(environ)
    assert error.value.variable == variable


@pytest.fixture
def deployed(aws: Aws, monkeypatch: pytest.MonkeyPatch):
    """The function as deployed: environment, its own clients, member clients."""
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(handler, "_clients", lambda: (aws.sts, aws.securityhub))
    monkeypatch.setattr(handler, "_member_config", aws.member_config)
    monkeypatch.setattr(handler, "_registry", fix_registry)
    monkeypatch.setattr(handler, "_now", lambda: NOW)
    handler._settings.cache_clear()
    yield
    handler._settings.cache_clear()


def test_the_handler_runs_a_click_end_to_end(deployed: None, aws: Aws) -> None:
    aws.assume(MEMBER)
    aws.non_compliant(MEMBER, HOME, S3, [("AWS::S3::Bucket", "team-a-public-assets")])
    aws.start(MEMBER, HOME, S3, [("AWS::S3::Bucket", "team-a-public-assets")])
    aws.notes(1)

    result = handler.one_click_handler(load("custom-action-event"), None)

    assert result == {"findings": 1, "started": 1, "refused": 0, "failed": 0}
    aws.assert_all_answered()


def test_the_handler_fails_on_bad_settings_and_logs_the_variable(
    deployed: None, aws: Aws, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SCANMONSTER_REGIONS", "Tokyo")
    handler._settings.cache_clear()
    with caplog.at_level(logging.ERROR), pytest.raises(SettingsError):
        handler.one_click_handler(load("custom-action-event"), None)
    assert "SCANMONSTER_REGIONS" in caplog.text
    assert aws.calls == []


def test_the_handler_refuses_an_event_of_another_action(deployed: None, aws: Aws) -> None:
    event = load("custom-action-event")
    event["resources"] = [f"arn:aws:securityhub:{HOME}:{SECURITY}:action/custom/SendToChat"]
    with pytest.raises(InvalidEventError):
        handler.one_click_handler(event, None)
    assert aws.calls == []


def test_the_deployment_constants() -> None:
    assert oneclick.HANDLER == "scanmonster.remediation.oneclick.handler.one_click_handler"
    module, name = oneclick.HANDLER.rsplit(".", 1)
    assert getattr(__import__(module, fromlist=[name]), name) is handler.one_click_handler
    assert oneclick.MEMBER_ACTIONS == (
        "config:GetComplianceDetailsByConfigRule",
        "config:SelectResourceConfig",
        "config:StartRemediationExecution",
    )
    assert oneclick.OWN_ACTIONS == ("sts:AssumeRole", "securityhub:BatchUpdateFindings")
    assert (oneclick.LANGUAGE, oneclick.STARTER_ROLE, oneclick.REGIONS) == (
        "SCANMONSTER_LANGUAGE",
        "SCANMONSTER_STARTER_ROLE",
        "SCANMONSTER_REGIONS",
    )
