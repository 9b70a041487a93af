"""cdk-nag's AwsSolutions pack runs on the whole app (synthesis fails on any finding not
acknowledged); every acknowledgment names one rule finding and says why it is acceptable."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3

from stacks.deployment import with_nag

MIN_REASON = 40


def acknowledgments(deployment) -> list[tuple[str, str, str]]:
    found = []
    stacks = [*deployment.code_stacks, deployment.organization, *deployment.management]
    for stack in stacks:
        for construct in stack.node.find_all():
            for entry in construct.node.metadata:
                if entry.type == cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY:
                    # {"<plugin>::<rule id>": reason}
                    for key, reason in entry.data.items():
                        found.append((construct.node.path, key.split("::", 1)[1], reason))
    return found


def test_the_example_app_synthesizes_with_no_unacknowledged_finding(deployment) -> None:
    # The session's synthesis would have raised ValidationFailed otherwise; the report in
    # the cloud assembly is there, from the AwsSolutions plugin, and lists no violation.
    outdir = Path(deployment.organization.node.root.outdir)
    report = json.loads((outdir / "validation-report.json").read_text())
    assert [r for r in report["pluginReports"] if r.get("violations")] == []


def test_every_acknowledgment_is_specific_and_explained(deployment) -> None:
    found = acknowledgments(deployment)
    assert found, "the app acknowledges findings: they must be visible here"
    for path, rule, reason in found:
        assert rule.startswith(("AwsSolutions-", "@aws-cdk/")), (path, rule)
        if rule.startswith(("AwsSolutions-IAM5", "AwsSolutions-IAM4")):
            assert "[" in rule, f"{path}: acknowledge one finding of {rule}, not all"
        assert len(reason) >= MIN_REASON, (path, rule, reason)


def test_acknowledgments_are_on_the_construct_not_the_stack(deployment) -> None:
    stacks = {
        s.node.path
        for s in [*deployment.code_stacks, deployment.organization, *deployment.management]
    }
    assert not [p for p, _, _ in acknowledgments(deployment) if p in stacks]


def test_an_unacknowledged_finding_fails_synthesis(tmp_path) -> None:
    app = with_nag(cdk.App(outdir=str(tmp_path)))
    stack = cdk.Stack(app, "Careless")
    s3.Bucket(stack, "NoLogsNoTls")  # AwsSolutions-S1 and -S10
    with pytest.raises(Exception, match=r"ValidationFailed(.|\n)*AwsSolutions-S1"):
        app.synth()
