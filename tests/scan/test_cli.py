"""The `scanmonster` command as a user runs it: demo, scan, report, checks, tutorial, and
clear messages for bad input."""

from __future__ import annotations

import csv
import json
import os

import boto3
import pytest

from scanmonster.cli import main
from scanmonster.scan.demo import start_moto_server
from tests.support import registry


@pytest.fixture(scope="module")
def demo_output(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    saved = {k: os.environ.get(k) for k in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID")}
    assert main(["demo", "--output", str(folder)]) == 0
    # The demo leaves the process environment as it found it.
    assert {k: os.environ.get(k) for k in saved} == saved
    return folder


def test_demo_writes_report_findings_and_tutorials(demo_output) -> None:
    html = (demo_output / "report.html").read_text(encoding="utf-8")
    findings = json.loads((demo_output / "findings.json").read_text(encoding="utf-8"))
    failed = [f for f in findings if f["Compliance"]["Status"] == "FAILED"]
    assert failed
    assert f">{len(failed)}<" in html  # the failed total is shown
    assert all(
        f["UserDefinedFields"]["scanmonster_tutorial"].startswith("tutorials/") for f in findings
    )
    link = findings[0]["UserDefinedFields"]["scanmonster_tutorial"]
    assert (demo_output / link).is_file()  # the link works from the report's folder
    rows = list(
        csv.reader((demo_output / "findings.csv").read_text(encoding="utf-8-sig").splitlines())
    )
    assert len(rows) == len(findings) + 1


def test_report_re_renders_in_japanese_from_the_findings(demo_output, tmp_path) -> None:
    assert (
        main(
            [
                "report",
                str(demo_output / "findings.json"),
                "--output",
                str(tmp_path),
                "--lang",
                "ja",
                "--tutorial-url",
                "https://docs.example.com/sm",
            ]
        )
        == 0
    )
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert 'lang="ja"' in html
    assert "https://docs.example.com/sm/ja/" in html
    assert not (tmp_path / "tutorials").exists()  # published elsewhere
    before = json.loads((demo_output / "findings.json").read_text(encoding="utf-8"))
    after = json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))
    assert sorted(f["Id"] for f in after) == sorted(f["Id"] for f in before)


def test_scan_honours_aws_endpoint_url(tmp_path, monkeypatch) -> None:
    server, endpoint = start_moto_server()
    try:
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="cli-open-bucket")
        assert (
            main(
                [
                    "scan",
                    "--regions",
                    "us-east-1",
                    "--checks",
                    "s3_bucket_public_access_blocked",
                    "--output",
                    str(tmp_path),
                ]
            )
            == 0
        )
    finally:
        server.stop()
    rows = list(
        csv.DictReader((tmp_path / "findings.csv").read_text(encoding="utf-8-sig").splitlines())
    )
    assert [(r["resource_id"], r["status"]) for r in rows] == [("cli-open-bucket", "NON_COMPLIANT")]


def test_no_credentials_is_explained(tmp_path, monkeypatch, capsys) -> None:
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance metadata probing
    assert main(["scan", "--regions", "us-east-1", "--output", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "No AWS credentials found" in error
    assert "scanmonster demo" in error


def test_unknown_check_lists_the_valid_ids(tmp_path, capsys) -> None:
    assert main(["scan", "--checks", "s3_bucket_public", "--output", str(tmp_path)]) == 2
    error = " ".join(capsys.readouterr().err.split())
    assert "unknown check s3_bucket_public" in error
    assert "s3_bucket_public_access_blocked" in error


def test_unreadable_findings_file_is_explained(tmp_path, capsys) -> None:
    bad = tmp_path / "findings.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["report", str(bad), "--output", str(tmp_path / "out")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_checks_lists_every_check(capsys) -> None:
    assert main(["checks"]) == 0
    out = capsys.readouterr().out
    for check_id in registry():
        assert check_id in out  # whole: people copy it
    # Each fix's document, whole once the folding is undone (people look it up in SSM).
    unfolded = "".join(
        "".join(cell.strip() for cell in line.split("│")[5:6]) for line in out.splitlines()
    )
    for check in registry().values():
        if check.remediation:
            assert check.remediation.document in unfolded


def test_tutorial_prints_the_japanese_text(capsys) -> None:
    assert main(["tutorial", "iam_root_mfa_enabled", "--lang", "ja"]) == 0
    assert "ルートユーザー" in capsys.readouterr().out
    assert main(["tutorial", "nope_nope_nope"]) == 2


def test_report_pulls_the_deployed_checks_findings_from_security_hub(monkeypatch) -> None:
    from botocore.stub import Stubber

    from scanmonster.findings.process import SWEEP_FILTERS
    from scanmonster.scan import outputs
    from tests.support import FIXTURES

    def finding(name: str) -> dict:
        return json.loads((FIXTURES / "findings" / name).read_text(encoding="utf-8"))

    ours = finding("config-s3_bucket_public_access_blocked-failed.json")
    passed = finding("config-ec2_security_group_admin_ports_restricted-passed.json")
    foreign = finding("config-foreign-rule-failed.json")
    session = boto3.Session(region_name="ap-northeast-1")
    real_client = session.client

    def client(service: str, **kwargs):
        made = real_client(service, **kwargs)
        stub = Stubber(made)
        # Two pages, filtered on the server by our rules' prefix (the API model checks them).
        stub.add_response(
            "get_findings",
            {"Findings": [ours, foreign], "NextToken": "page-2"},
            {"Filters": SWEEP_FILTERS, "MaxResults": 100},
        )
        stub.add_response(
            "get_findings",
            {"Findings": [passed]},
            {"Filters": SWEEP_FILTERS, "MaxResults": 100, "NextToken": "page-2"},
        )
        stub.activate()
        return made

    monkeypatch.setattr(session, "client", client)
    report = outputs.pull_findings(session, "ap-northeast-1")
    assert sorted((r.check_id, r.compliance) for r in report.results) == [
        ("ec2_security_group_admin_ports_restricted", "COMPLIANT"),
        ("s3_bucket_public_access_blocked", "NON_COMPLIANT"),
    ]


def test_report_needs_a_file_or_security_hub(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["report"])
    assert exit_info.value.code == 2
    assert "findings" in capsys.readouterr().err
