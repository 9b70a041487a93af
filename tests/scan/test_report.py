"""The report writers: ASFF (validated against botocore's model), CSV and HTML."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from collections import Counter
from html.parser import HTMLParser
from typing import Any

import botocore.session
import pytest
from botocore.validate import ParamValidator

from scanmonster.rendering import render_markdown
from scanmonster.report import (
    asff,
    from_asff,
    render_html,
    to_asff,
    to_csv,
    write_csv,
)
from scanmonster.report.csv import COLUMNS, guard
from scanmonster.report.labels import LABELS
from scanmonster.scan.model import (
    COMPLIANT,
    ERROR,
    NON_COMPLIANT,
    NOT_APPLICABLE,
    Account,
    Result,
    ScanReport,
)
from scanmonster.tutorials import SECTIONS, load_tutorial
from tests.support import registry

BASE_URL = "https://docs.example.com/scanmonster"
XSS_BUCKET = "<script>window.__pwned=1</script>"
XSS_ANNOTATION = '<img src="x" onerror="window.__pwned=2">'
ACCOUNTS = [
    Account("111111111111", "production"),
    Account("222222222222", "staging <team>"),
    Account("333333333333", ""),
]
REGIONS = ["us-east-1", "ap-northeast-1"]
CHECKS = [
    "iam_root_mfa_enabled",
    "rds_instance_public_access_disabled",
    "s3_bucket_public_access_blocked",
    "ec2_security_group_admin_ports_restricted",
    "ec2_ebs_default_encryption_enabled",
    "kms_key_rotation_enabled",
    "s3_bucket_ssl_requests_only",
]
T0 = "2026-11-28T09:00:00Z"


def _r(
    account: str,
    region: str,
    check_id: str,
    resource_type: str,
    resource_id: str,
    compliance: str,
    annotation: str,
) -> Result:
    return Result(account, region, check_id, resource_type, resource_id, compliance, annotation, T0)


def sample_report() -> ScanReport:
    """3 accounts, 2 regions, 7 checks: failures of every severity, passes, a
    not-applicable result, one check without resources, one error and hostile names."""
    a1, a2, a3 = (a.id for a in ACCOUNTS)
    use1, apne1 = REGIONS
    acct, bucket, sg, key = (
        "AWS::::Account",
        "AWS::S3::Bucket",
        "AWS::EC2::SecurityGroup",
        "AWS::KMS::Key",
    )
    results = [
        # Root MFA: account-wide, evaluated once per account in us-east-1.
        _r(a1, use1, "iam_root_mfa_enabled", acct, a1, COMPLIANT, "The root user has MFA."),
        _r(a2, use1, "iam_root_mfa_enabled", acct, a2, NON_COMPLIANT, "The root user has no MFA."),
        _r(a3, use1, "iam_root_mfa_enabled", acct, a3, NON_COMPLIANT, "The root user has no MFA."),
        # Buckets (global names, recorded in their home region).
        _r(a1, use1, "s3_bucket_public_access_blocked", bucket, "prod-logs", COMPLIANT, "All on."),
        _r(
            a1,
            apne1,
            "s3_bucket_public_access_blocked",
            bucket,
            '=HYPERLINK("http://evil")',
            NON_COMPLIANT,
            "BlockPublicPolicy, RestrictPublicBuckets are off.",
        ),
        _r(
            a2,
            use1,
            "s3_bucket_public_access_blocked",
            bucket,
            XSS_BUCKET,
            NON_COMPLIANT,
            XSS_ANNOTATION,
        ),
        _r(a2, use1, "s3_bucket_public_access_blocked", bucket, "stg-data", COMPLIANT, "All on."),
        _r(a3, use1, "s3_bucket_public_access_blocked", bucket, "dev-x", COMPLIANT, "All on."),
        _r(a1, use1, "s3_bucket_ssl_requests_only", bucket, "prod-logs", COMPLIANT, "Denies."),
        _r(
            a2,
            use1,
            "s3_bucket_ssl_requests_only",
            bucket,
            "stg-data",
            NON_COMPLIANT,
            "No statement denies aws:SecureTransport false.",
        ),
        # Security groups.
        _r(
            a1,
            use1,
            "ec2_security_group_admin_ports_restricted",
            sg,
            "sg-0a1",
            NON_COMPLIANT,
            "Port 22 (SSH) is open to 0.0.0.0/0.",
        ),
        _r(
            a1,
            apne1,
            "ec2_security_group_admin_ports_restricted",
            sg,
            "sg-0a2",
            NON_COMPLIANT,
            "Port 3389 (RDP) is open to ::/0.",
        ),
        _r(a1, apne1, "ec2_security_group_admin_ports_restricted", sg, "sg-0a3", COMPLIANT, "ok"),
        _r(a2, use1, "ec2_security_group_admin_ports_restricted", sg, "sg-0b1", COMPLIANT, "ok"),
        _r(
            a3,
            apne1,
            "ec2_security_group_admin_ports_restricted",
            sg,
            "sg-0c1",
            NOT_APPLICABLE,
            "The security group was deleted.",
        ),
        # EBS default encryption: per account and region.
        _r(a1, use1, "ec2_ebs_default_encryption_enabled", acct, a1, COMPLIANT, "On."),
        _r(a1, apne1, "ec2_ebs_default_encryption_enabled", acct, a1, NON_COMPLIANT, "Off."),
        _r(a2, use1, "ec2_ebs_default_encryption_enabled", acct, a2, COMPLIANT, "On."),
        _r(a2, apne1, "ec2_ebs_default_encryption_enabled", acct, a2, COMPLIANT, "On."),
        _r(a3, use1, "ec2_ebs_default_encryption_enabled", acct, a3, NON_COMPLIANT, "Off."),
        _r(a3, apne1, "ec2_ebs_default_encryption_enabled", acct, a3, NON_COMPLIANT, "Off."),
        # KMS: one pass, one failure, and one region that could not be read.
        _r(a1, use1, "kms_key_rotation_enabled", key, "1234abcd-12ab", COMPLIANT, "Rotates."),
        _r(a2, apne1, "kms_key_rotation_enabled", key, "5678efgh-56ef", NON_COMPLIANT, "Off."),
        _r(
            a3,
            apne1,
            "kms_key_rotation_enabled",
            "",
            "",
            ERROR,
            "AccessDenied: kms:ListKeys is not allowed for the scan role.",
        ),
        # rds_instance_public_access_disabled: no instances anywhere, no results.
    ]
    return ScanReport(
        accounts=list(ACCOUNTS),
        regions=list(REGIONS),
        check_ids=list(CHECKS),
        started_at=T0,
        finished_at="2026-11-28T09:02:30Z",
        results=results,
    )


def all_passed_report() -> ScanReport:
    report = sample_report()
    report.results = [r for r in report.results if r.compliance == COMPLIANT]
    return report


# -- ASFF -------------------------------------------------------------------------------------

_MODEL = botocore.session.get_session().get_service_model("securityhub")
_FINDING_SHAPE = _MODEL.shape_for("AwsSecurityFinding")


def model_problems(value: Any, shape: Any, where: str = "") -> list[str]:
    """What ParamValidator leaves out: string patterns (NonEmptyString) and enums."""
    problems = []
    if shape.type_name == "structure":
        for name, member in shape.members.items():
            if name in value:
                problems += model_problems(value[name], member, f"{where}.{name}")
    elif shape.type_name == "list":
        for index, item in enumerate(value):
            problems += model_problems(item, shape.member, f"{where}[{index}]")
    elif shape.type_name == "map":
        for key, item in value.items():
            problems += model_problems(key, shape.key, f"{where}<key {key}>")
            problems += model_problems(item, shape.value, f"{where}.{key}")
    elif shape.type_name == "string":
        pattern = shape.metadata.get("pattern")
        if pattern and not re.search(pattern, value):
            problems.append(f"{where}: {value!r} does not match {pattern}")
        if shape.enum and value not in shape.enum:
            problems.append(f"{where}: {value!r} is not one of {shape.enum}")
    return problems


def validate_finding(finding: dict[str, Any]) -> None:
    report = ParamValidator().validate(finding, _FINDING_SHAPE)
    assert not report.has_errors(), report.generate_report()
    assert not model_problems(finding, _FINDING_SHAPE)
    # Limits the model does not carry (Security Hub user guide).
    assert len(finding["Description"]) <= 1024
    assert len(finding["Remediation"]["Recommendation"]["Text"]) <= 512
    assert len(finding["ProductFields"]) <= 50
    assert all(len(v) <= 2048 for v in finding["ProductFields"].values())
    assert len(finding["UserDefinedFields"]) <= 50
    assert all(len(v) <= 1024 for v in finding["UserDefinedFields"].values())
    assert len(json.dumps(finding).encode()) < 240 * 1024


def asff_findings(report: ScanReport | None = None, language: str = "en") -> list[dict]:
    return to_asff(
        report or sample_report(), registry(), language=language, tutorial_base_url=BASE_URL
    )


def test_model_validation_catches_a_broken_finding() -> None:
    """The validator used below is not vacuous."""
    finding = asff_findings()[0]
    broken = copy.deepcopy(finding)
    del broken["GeneratorId"]
    with pytest.raises(AssertionError):
        validate_finding(broken)
    blank = copy.deepcopy(finding)
    blank["UserDefinedFields"]["scanmonster_check"] = " "
    with pytest.raises(AssertionError):
        validate_finding(blank)
    wrong = copy.deepcopy(finding)
    wrong["Compliance"]["Status"] = "NON_COMPLIANT"
    with pytest.raises(AssertionError):
        validate_finding(wrong)


@pytest.mark.parametrize("language", ["en", "ja"])
def test_every_finding_is_valid_for_batch_import_findings(language: str) -> None:
    findings = asff_findings(language=language)
    assert len(findings) == len(sample_report().results)
    for finding in findings:
        validate_finding(finding)
    # The whole request too, in calls of at most 100 findings.
    request = {"Findings": findings[:100]}
    validation = ParamValidator().validate(
        request, _MODEL.operation_model("BatchImportFindings").input_shape
    )
    assert not validation.has_errors(), validation.generate_report()


def test_finding_fields_follow_the_deployed_findings() -> None:
    report = sample_report()
    findings = {f["Id"]: f for f in asff_findings(report)}
    result = next(r for r in report.results if r.resource_id == "sg-0a1")
    finding = findings[asff.finding_id(result)]
    check = registry()["ec2_security_group_admin_ports_restricted"]
    assert finding["ProductArn"] == (
        "arn:aws:securityhub:us-east-1:111111111111:product/111111111111/default"
    )
    assert finding["ProductName"] == "ScanMonster"
    assert finding["GeneratorId"] == finding["Title"] == "scanmonster-" + check.id
    assert finding["AwsAccountId"] == "111111111111"
    assert finding["AwsAccountName"] == "production"
    assert finding["Severity"]["Label"] == "HIGH"
    assert finding["Compliance"] == {"Status": "FAILED"}
    assert finding["Workflow"] == {"Status": "NEW"}
    assert finding["RecordState"] == "ACTIVE"
    assert finding["CreatedAt"] == finding["UpdatedAt"] == T0
    assert finding["Description"] == f"{check.title}. Port 22 (SSH) is open to 0.0.0.0/0."
    assert finding["Resources"] == [
        {
            "Type": "AwsEc2SecurityGroup",
            "Id": "arn:aws:ec2:us-east-1:111111111111:security-group/sg-0a1",
            "Partition": "aws",
            "Region": "us-east-1",
        }
    ]
    assert finding["Remediation"]["Recommendation"] == {
        "Text": load_tutorial(check.id, "en").summary,
        "Url": f"{BASE_URL}/en/{check.id}.html",
    }
    assert finding["ProductFields"]["aws/config/ConfigRuleName"] == "scanmonster-" + check.id
    fields = finding["UserDefinedFields"]
    assert fields["scanmonster"] == "true"
    assert fields["scanmonster_check"] == check.id
    assert fields["scanmonster_tutorial"] == f"{BASE_URL}/en/{check.id}.html"
    assert fields["scanmonster_securityhub"] == "EC2.53,EC2.54"
    assert fields["scanmonster_cis"] == "v1.4.0/5.2,v3.0.0/5.2,v3.0.0/5.3"
    assert "scanmonster_fsbp" not in fields  # this check has no FSBP control
    assert (
        "Software and Configuration Checks/Industry and Regulatory Standards/"
        in (finding["Types"][0])
    )


def test_statuses_map_to_security_hub_values() -> None:
    report = sample_report()
    by_status = {}
    for result, finding in zip(report.results, asff_findings(report), strict=True):
        by_status.setdefault(result.compliance, finding)
    assert by_status[COMPLIANT]["Compliance"] == {"Status": "PASSED"}
    assert by_status[COMPLIANT]["Workflow"] == {"Status": "RESOLVED"}
    assert by_status[NOT_APPLICABLE]["Compliance"]["Status"] == "NOT_AVAILABLE"
    assert by_status[NOT_APPLICABLE]["Workflow"] == {"Status": "RESOLVED"}
    error = by_status[ERROR]
    assert error["Compliance"] == {
        "Status": "WARNING",
        "StatusReasons": [
            {
                "ReasonCode": "CONFIG_RULE_EVALUATION_ERROR",
                "Description": "AccessDenied: kms:ListKeys is not allowed for the scan role.",
            }
        ],
    }
    assert error["Workflow"] == {"Status": "NEW"}
    # An error names no resource: the finding points at the account.
    assert error["Resources"][0]["Type"] == "AwsAccount"
    assert error["Resources"][0]["Id"] == "AWS::::Account:333333333333"


def test_finding_ids_are_stable_and_unique() -> None:
    first, second = asff_findings(), asff_findings()
    assert [f["Id"] for f in first] == [f["Id"] for f in second]
    assert len({f["Id"] for f in first}) == len(first)
    assert all(len(f["Id"]) <= 512 for f in first)


def test_long_annotations_are_cut_to_the_limits() -> None:
    report = sample_report()
    report.results = [
        Result(
            "111111111111", "us-east-1", "kms_key_rotation_enabled", "", "", ERROR, "x" * 3000, T0
        )
    ]
    (finding,) = asff_findings(report)
    validate_finding(finding)
    assert len(finding["Description"]) == 1024
    # Too long for a ProductFields value: the status reason keeps what fits.
    annotation = from_asff([finding]).results[0].annotation
    assert annotation == "x" * 2047 + "…"


def test_round_trip_gives_back_the_report() -> None:
    report = sample_report()
    rebuilt = from_asff(json.loads(json.dumps(asff_findings(report))))
    assert rebuilt.results == report.results
    assert rebuilt.accounts == report.accounts
    assert rebuilt.regions == report.regions
    assert rebuilt.check_ids == report.check_ids  # the check without results survives too
    assert (rebuilt.started_at, rebuilt.finished_at) == (report.started_at, report.finished_at)


def test_from_asff_skips_other_products_and_reads_deployed_findings() -> None:
    config_finding = {
        "Id": "arn:aws:config:us-east-1:111111111111:config-rule/x/finding/abc",
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/config",
        "AwsAccountId": "111111111111",
        "Region": "us-east-1",
        "UpdatedAt": T0,
        "ProductFields": {
            "aws/securityhub/ProductName": "Config",
            "aws/config/ConfigRuleName": "scanmonster-s3_bucket_public_access_blocked",
        },
        "Resources": [{"Type": "AwsS3Bucket", "Id": "arn:aws:s3:::my-bucket"}],
        "Compliance": {"Status": "FAILED"},
    }
    guardduty = {"Id": "gd", "ProductFields": {"aws/securityhub/ProductName": "GuardDuty"}}
    report = from_asff([guardduty, config_finding])
    assert report.results == [
        Result(
            "111111111111",
            "us-east-1",
            "s3_bucket_public_access_blocked",
            "AWS::S3::Bucket",
            "my-bucket",
            NON_COMPLIANT,
            "",
            T0,
        )
    ]
    assert report.check_ids == ["s3_bucket_public_access_blocked"]


def test_from_asff_names_a_broken_finding() -> None:
    finding = asff_findings()[0]
    del finding["AwsAccountId"]
    with pytest.raises(asff.AsffError, match="finding 0"):
        from_asff([finding])


# -- CSV --------------------------------------------------------------------------------------


def csv_rows(report: ScanReport | None = None, language: str = "en") -> tuple[bytes, list]:
    data = to_csv(
        report or sample_report(), registry(), language=language, tutorial_base_url=BASE_URL
    )
    text = data.decode("utf-8-sig")
    return data, list(csv.reader(io.StringIO(text, newline="")))


def test_csv_has_a_bom_a_header_and_one_row_per_result() -> None:
    data, rows = csv_rows()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) - 1 == len(sample_report().results)


def test_csv_columns_hold_the_result() -> None:
    _, rows = csv_rows()
    table = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    row = next(r for r in table if r["resource_id"] == "sg-0a1")
    assert row == {
        "account_id": "111111111111",
        "account_name": "production",
        "region": "us-east-1",
        "check_id": "ec2_security_group_admin_ports_restricted",
        "title": load_tutorial("ec2_security_group_admin_ports_restricted", "en").title,
        "severity": "HIGH",
        "resource_type": "AWS::EC2::SecurityGroup",
        "resource_id": "sg-0a1",
        "status": NON_COMPLIANT,
        "annotation": "Port 22 (SSH) is open to 0.0.0.0/0.",
        "fsbp": "",
        "securityhub": "EC2.53,EC2.54",
        "cis": "v1.4.0/5.2,v3.0.0/5.2,v3.0.0/5.3",
        "tutorial": f"{BASE_URL}/en/ec2_security_group_admin_ports_restricted.html",
        "observed_at": T0,
    }
    mfa = next(r for r in table if r["check_id"] == "iam_root_mfa_enabled")
    assert mfa["fsbp"] == "IAM.9"
    assert Counter(r["status"] for r in table) == Counter(
        r.compliance for r in sample_report().results
    )


def test_csv_guards_against_formula_injection() -> None:
    _, rows = csv_rows()
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://evil")' in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert guard("-1+2") == "'-1+2"
    assert guard("@SUM(A1)") == "'@SUM(A1)"
    assert guard("+cmd") == "'+cmd"
    assert guard("sg-0a1") == "sg-0a1"


def test_csv_in_japanese_keeps_japanese_titles(tmp_path) -> None:
    path = write_csv(
        tmp_path / "r.csv", sample_report(), registry(), language="ja", tutorial_base_url=BASE_URL
    )
    text = path.read_bytes().decode("utf-8-sig")
    assert load_tutorial("iam_root_mfa_enabled", "ja").title in text
    assert f"{BASE_URL}/ja/iam_root_mfa_enabled.html" in text


# -- HTML -------------------------------------------------------------------------------------


class Page(HTMLParser):
    """The parts of the page the tests read: matrix cells, data attributes, text, tags."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.cells: list[dict[str, str]] = []
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.tags.append((tag, values))
        if tag == "td" and "cell" in values.get("class", "").split():
            self.cells.append(values)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def all_text(self) -> str:
        return " ".join(self.text)


def page(report: ScanReport | None = None, language: str = "en") -> tuple[str, Page]:
    text = render_html(
        report or sample_report(), registry(), language=language, tutorial_base_url=BASE_URL
    )
    return text, Page(text)


def expected_cells(report: ScanReport) -> dict[tuple[str, str], tuple[int, int, int]]:
    """(account, check) -> (failed, evaluated, errors), counted independently here."""
    cells = {}
    for account in report.accounts:
        for check_id in report.check_ids:
            mine = [
                r.compliance
                for r in report.results
                if r.account_id == account.id and r.check_id == check_id
            ]
            failed = mine.count(NON_COMPLIANT)
            cells[(account.id, check_id)] = (
                failed,
                failed + mine.count(COMPLIANT),
                mine.count(ERROR),
            )
    return cells


def test_html_matrix_counts_equal_the_report() -> None:
    report = sample_report()
    text, parsed = page(report)
    assert len(parsed.cells) == len(ACCOUNTS) * len(CHECKS)
    shown = {}
    account = ""
    for tag, attrs in parsed.tags:
        if tag == "tr" and "data-account" in attrs:
            account = attrs["data-account"]
        if tag == "td" and "cell" in attrs.get("class", ""):
            shown[(account, attrs["data-check"])] = (
                int(attrs["data-failed"]),
                int(attrs["data-evaluated"]),
                int(attrs["data-errors"]),
            )
    assert shown == expected_cells(report)
    # The visible text says the same as the attributes, e.g. "2 / 3".
    assert re.search(r"✗ <span class=\"count\">2 / 3</span>", text)  # sg failures, account 1


def test_html_colours_failures_by_severity_and_shows_errors_as_errors() -> None:
    _, parsed = page()
    by_key = {}
    account = ""
    for tag, attrs in parsed.tags:
        if tag == "tr" and "data-account" in attrs:
            account = attrs["data-account"]
        if tag == "td" and "cell" in attrs.get("class", ""):
            by_key[(account, attrs["data-check"])] = attrs
    critical = by_key[("222222222222", "iam_root_mfa_enabled")]
    assert critical["data-status"] == "failed"
    assert "#a4161a" in critical["style"]  # CRITICAL colour
    medium = by_key[("333333333333", "ec2_ebs_default_encryption_enabled")]
    assert "#f4a259" in medium["style"]  # MEDIUM colour
    error = by_key[("333333333333", "kms_key_rotation_enabled")]
    assert error["data-status"] == "error"
    assert "could not check" in error["title"]
    assert by_key[("111111111111", "iam_root_mfa_enabled")]["data-status"] == "passed"
    # No resources at all, and only a not-applicable result: neither passed nor failed.
    assert by_key[("111111111111", "rds_instance_public_access_disabled")]["data-status"] == "none"
    assert (
        by_key[("333333333333", "ec2_security_group_admin_ports_restricted")]["data-status"]
        == "none"
    )


def test_html_lists_errors_and_totals() -> None:
    report = sample_report()
    text, parsed = page(report)
    assert 'id="errors"' in text
    assert "AccessDenied: kms:ListKeys is not allowed for the scan role." in parsed.all_text
    totals = {a["data-total"]: i for i, (t, a) in enumerate(parsed.tags) if "data-total" in a}
    assert set(totals) == {"failed", "errors", "passed", "na"}
    numbers = re.findall(r'data-total="(\w+)">(\d+)<', text)
    assert dict(numbers) == {
        "failed": str(len(report.failed())),
        "errors": "1",
        "passed": str(sum(r.compliance == COMPLIANT for r in report.results)),
        "na": "1",
    }
    # The chart: inline SVG with one bar per shown severity and the failure counts.
    bars = dict(re.findall(r'class="bar" data-label="([^"]+)" data-value="(\d+)"', text))
    assert bars == {"Critical": "2", "High": "4", "Medium": "5", "Low": "0"}


def test_html_explains_each_failed_check() -> None:
    text, parsed = page()
    failed = {r.check_id for r in sample_report().failed()}
    articles = [a["data-check"] for t, a in parsed.tags if t == "article"]
    assert set(articles) == failed
    # Most severe first.
    assert articles[0] == "iam_root_mfa_enabled"
    tutorial = load_tutorial("s3_bucket_public_access_blocked", "en")
    assert tutorial.summary in parsed.all_text
    assert SECTIONS["en"]["fix"] in parsed.all_text
    assert "<code>BlockPublicAcls=true" in text or "BlockPublicAcls=true" in parsed.all_text
    assert "<pre><code" in text  # the fix's Markdown was rendered, code block included
    links = [a.get("href") for t, a in parsed.tags if t == "a" and "tutorial" in a.get("class", "")]
    assert f"{BASE_URL}/en/s3_bucket_public_access_blocked.html" in links
    assert "Port 3389 (RDP) is open to ::/0." in parsed.all_text


def test_html_escapes_everything_from_aws() -> None:
    text, parsed = page()
    assert "<script>" not in text  # no script at all, and not the bucket name
    assert "<img" not in text
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in text
    assert "&lt;img src=&quot;x&quot; onerror=&quot;window.__pwned=2&quot;&gt;" in text
    assert "staging &lt;team&gt;" in text
    assert XSS_BUCKET in parsed.all_text  # shown as text, for people to read
    assert not [a for _, a in parsed.tags if any(k.startswith("on") for k in a)]


def test_html_is_self_contained() -> None:
    text, parsed = page()
    for tag, attrs in parsed.tags:
        assert tag not in ("script", "link", "img", "iframe", "object", "embed"), tag
        assert "src" not in attrs, (tag, attrs)
    assert "@import" not in text
    assert "url(" not in text


def test_html_in_japanese() -> None:
    text, parsed = page(language="ja")
    assert '<html lang="ja">' in text
    for key in ("title", "failed_findings", "matrix", "failed_checks", "errors_title"):
        assert LABELS["ja"][key] in parsed.all_text
    assert LABELS["en"]["failed_findings"] not in parsed.all_text
    assert load_tutorial("iam_root_mfa_enabled", "ja").summary in parsed.all_text
    assert SECTIONS["ja"]["fix"] in parsed.all_text
    assert f"{BASE_URL}/ja/iam_root_mfa_enabled.html" in text


def test_labels_exist_in_both_languages() -> None:
    assert set(LABELS["en"]) == set(LABELS["ja"])
    assert all(value.strip() for table in LABELS.values() for value in table.values())


def test_html_all_passed() -> None:
    report = all_passed_report()
    text, parsed = page(report)
    assert LABELS["en"]["all_passed"] in parsed.all_text
    assert 'id="failed"' not in text
    assert 'id="errors"' not in text
    assert not [c for c in parsed.cells if c["data-status"] in ("failed", "error")]
    _, japanese = page(report, "ja")
    assert LABELS["ja"]["all_passed"] in japanese.all_text


def test_html_nothing_failed_but_errors_is_not_all_passed() -> None:
    report = sample_report()
    report.results = [r for r in report.results if r.compliance != NON_COMPLIANT]
    text, parsed = page(report)
    assert LABELS["en"]["all_passed"] not in parsed.all_text
    assert LABELS["en"]["nothing_failed_but_errors"] in parsed.all_text
    assert 'id="errors"' in text


def test_html_renders_a_report_rebuilt_from_asff() -> None:
    report = sample_report()
    rebuilt = from_asff(asff_findings(report))
    assert page(rebuilt)[0] == page(report)[0]


def test_unknown_check_is_named() -> None:
    report = sample_report()
    report.results.append(
        Result("111111111111", "us-east-1", "gone_check_id", "", "", ERROR, "x", T0)
    )
    with pytest.raises(ValueError, match="gone_check_id"):
        page(report)


# -- tutorial Markdown ------------------------------------------------------------------------


def test_markdown_list_after_a_paragraph_line_is_a_list() -> None:
    html = render_markdown("**Console**\n1. Open it.\n2. Save.")
    assert "<p><strong>Console</strong></p>" in html
    assert "<ol>\n<li>Open it.</li>\n<li>Save.</li>\n</ol>" in html


def test_markdown_nesting_by_three_spaces_and_fences_in_items() -> None:
    html = render_markdown(
        "1. Pick one:\n   - a\n   - b\n2. Run:\n   ```bash\n   aws s3 ls\n   ```\n3. Done."
    )
    assert re.search(r"<ol>\s*<li>.*?<ul>\s*<li>a</li>\s*<li>b</li>\s*</ul>", html, re.S)
    assert re.search(r"<pre><code[^>]*>aws s3 ls\n</code></pre>", html)
    assert "```" not in html
    assert html.count("<li>") == 5


def test_markdown_joins_wrapped_japanese_lines_only() -> None:
    html = render_markdown("ルートユーザーを選んで\nください。\nEnglish line\nnext line")
    assert "ルートユーザーを選んでください。" in html
    assert "English line\nnext line" in html
    assert render_markdown("# Title", heading_offset=3) == "<h4>Title</h4>\n"


@pytest.mark.parametrize("language", ["en", "ja"])
def test_every_fix_section_renders_cleanly(language: str) -> None:
    for check_id in registry():
        html = render_markdown(load_tutorial(check_id, language).sections["fix"], heading_offset=3)
        prose = re.sub(r"<pre>.*?</pre>", "", html, flags=re.S)
        assert "```" not in html, check_id
        # A numbered step left inside a paragraph means a list was not recognised.
        assert not re.search(r"\n\s*\d+\. ", prose), check_id
        if language == "ja":
            assert not re.search(r"[ぁ-んァ-ン一-龯。、]\n[ぁ-んァ-ン一-龯]", prose), check_id
