"""The demo organization scanned the way a team scans its own: from the management account,
into every account through the role, both regions. Every planted problem is found, the
good resources pass, and nothing fails to run."""

from __future__ import annotations

import os

import pytest

from scanmonster.scan.accounts import organization_targets
from scanmonster.scan.demo import build_demo_organization, start_moto_server
from scanmonster.scan.model import COMPLIANT, NON_COMPLIANT
from scanmonster.scan.scanner import Scanner
from tests.support import registry


@pytest.fixture(scope="module")
def scanned():
    server, endpoint = start_moto_server()
    saved = os.environ.get("AWS_ENDPOINT_URL")
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    try:
        demo = build_demo_organization(endpoint)
        targets = organization_targets(demo.session(demo.management_account_id), demo.role_name)
        report = Scanner(list(registry().values()), demo.regions, workers=4).scan(targets)
        yield demo, report
    finally:
        server.stop()
        if saved is None:
            os.environ.pop("AWS_ENDPOINT_URL", None)
        else:
            os.environ["AWS_ENDPOINT_URL"] = saved


def verdicts(report) -> dict[tuple[str, str, str, str], str]:
    return {
        (r.account_id, r.region, r.check_id, r.resource_id): r.compliance for r in report.results
    }


def test_every_account_of_the_organization_is_scanned(scanned) -> None:
    demo, report = scanned
    assert {a.id for a in report.accounts} == {a.id for a in demo.all_accounts()}
    names = {a.id: a.name for a in report.accounts}
    assert {names[a.id] for a in demo.accounts} == {a.name for a in demo.accounts}


def test_nothing_fails_to_run(scanned) -> None:
    _, report = scanned
    assert report.errors() == []


def test_every_planted_problem_is_found_and_every_good_resource_passes(scanned) -> None:
    demo, report = scanned
    found = verdicts(report)
    missing = [
        e
        for e in demo.expected
        if found.get((e.account_id, e.region, e.check_id, e.resource_id)) is None
    ]
    wrong = [
        (e, found[(e.account_id, e.region, e.check_id, e.resource_id)])
        for e in demo.expected
        if e not in missing
        and found[(e.account_id, e.region, e.check_id, e.resource_id)] != e.compliance
    ]
    assert missing == []
    assert wrong == []
    assert any(e.compliance == NON_COMPLIANT for e in demo.expected)
    assert any(e.compliance == COMPLIANT for e in demo.expected)


def test_no_failure_beyond_what_was_planted(scanned) -> None:
    demo, report = scanned
    planted = {
        (e.account_id, e.region, e.check_id, e.resource_id)
        for e in demo.expected
        if e.compliance == NON_COMPLIANT
    }
    failed = {(r.account_id, r.region, r.check_id, r.resource_id) for r in report.failed()}
    assert failed == planted
