"""The demo organization: built in a moto server the tests start, checked by reading it back.

Everything is read with each account's own credentials (STS AssumeRole of the demo's role),
so a resource moto put in the wrong account or region, or state shared between accounts,
shows up as a difference. The demo is built once per module (about 5 s).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, EndpointConnectionError

from scanmonster.registry import load_registry
from scanmonster.scan import endpoints
from scanmonster.scan.demo import (
    ALL_BLOCKED,
    MEMBER_NAMES,
    PROFILES,
    REGIONS,
    ROLE_NAME,
    STRONG_PASSWORD_POLICY,
    DemoOrganization,
    Expectation,
    build_demo_organization,
    start_moto_server,
)
from scanmonster.scan.model import COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE

RESOURCE_CHECKS = {
    "s3_bucket_public_access_blocked",
    "s3_bucket_ssl_requests_only",
    "ec2_security_group_admin_ports_restricted",
    "rds_instance_public_access_disabled",
    "kms_key_rotation_enabled",
    "iam_user_console_mfa_enabled",
}
# Per member account and region (per account for IAM users), at scale 1.
PLANTED_PER_REGION = {"buckets": 4, "security_groups": 3, "databases": 2, "keys": 2}
PLANTED_USERS = 3


def _fake_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """What tests/conftest.py does per test, for the module-scoped fixtures below."""
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key)
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(key, "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        _fake_environment(monkeypatch)
        server, url = start_moto_server()
        try:
            yield url
        finally:
            server.stop()


@pytest.fixture(scope="module")
def demo(endpoint: str) -> DemoOrganization:
    with pytest.MonkeyPatch.context() as monkeypatch:
        _fake_environment(monkeypatch)
        return build_demo_organization(endpoint)


# --- reading an account back ----------------------------------------------------------------


def buckets_in(demo: DemoOrganization, account_id: str, region: str) -> set[str]:
    s3 = demo.client(account_id, "s3", region)
    names = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    # ListBuckets lists every region's buckets; a bucket's region is its location.
    return {
        name
        for name in names
        if (s3.get_bucket_location(Bucket=name)["LocationConstraint"] or "us-east-1") == region
    }


def groups_in(demo: DemoOrganization, account_id: str, region: str) -> dict[str, str]:
    groups = demo.client(account_id, "ec2", region).describe_security_groups()["SecurityGroups"]
    return {g["GroupId"]: g["GroupName"] for g in groups}


def databases_in(demo: DemoOrganization, account_id: str, region: str) -> set[str]:
    instances = demo.client(account_id, "rds", region).describe_db_instances()["DBInstances"]
    return {i["DbiResourceId"] for i in instances}


def keys_in(demo: DemoOrganization, account_id: str, region: str) -> set[str]:
    return {k["KeyId"] for k in demo.client(account_id, "kms", region).list_keys()["Keys"]}


def users_in(demo: DemoOrganization, account_id: str) -> dict[str, str]:
    return {
        u["UserId"]: u["UserName"] for u in demo.client(account_id, "iam").list_users()["Users"]
    }


def expected_ids(
    demo: DemoOrganization, check_id: str, account_id: str, region: str | None = None
) -> set[str]:
    return {
        e.resource_id
        for e in demo.expected_for([check_id])
        if e.account_id == account_id and region in (None, e.region)
    }


# --- the organization -----------------------------------------------------------------------


def test_accounts_exist_in_the_organization(demo: DemoOrganization) -> None:
    organizations = demo.client(demo.management_account_id, "organizations")
    organization = organizations.describe_organization()["Organization"]
    assert organization["Id"] == demo.organization_id
    assert organization["MasterAccountId"] == demo.management_account_id
    listed = {a["Id"]: a["Name"] for a in organizations.list_accounts()["Accounts"]}
    members = {a.id: a.name for a in demo.accounts}
    assert [a.name for a in demo.accounts] == list(MEMBER_NAMES)
    assert len(members) == len(MEMBER_NAMES) >= 3
    assert set(listed) == {demo.management_account_id, *members}
    assert {i: listed[i] for i in members} == members
    assert demo.all_accounts()[0].id == demo.management_account_id


def test_every_account_is_reached_through_the_role(demo: DemoOrganization) -> None:
    for account in demo.all_accounts():
        identity = demo.client(account.id, "sts").get_caller_identity()
        assert identity["Account"] == account.id
        assert f":assumed-role/{ROLE_NAME}/" in identity["Arn"]
        assert demo.role_arn(account.id) == f"arn:aws:iam::{account.id}:role/{ROLE_NAME}"


def test_session_acts_in_its_account(demo: DemoOrganization, endpoint: str) -> None:
    member = demo.accounts[0]
    session = demo.session(member.id, "ap-northeast-1")
    assert session.region_name == "ap-northeast-1"
    sts = session.client("sts", endpoint_url=endpoint)
    assert sts.get_caller_identity()["Account"] == member.id
    # S3 Control reaches the loopback server (botocore would prefix the host with the id).
    s3control = session.client("s3control", endpoint_url=endpoint)
    block = s3control.get_public_access_block(AccountId=member.id)
    assert block["PublicAccessBlockConfiguration"] == ALL_BLOCKED  # production's setting


# --- resources land in their account and region ---------------------------------------------


def test_member_resources_land_in_their_account_and_region(demo: DemoOrganization) -> None:
    for account in demo.accounts:
        for region in demo.regions:
            for check_id, listed in (
                ("s3_bucket_public_access_blocked", buckets_in(demo, account.id, region)),
                ("rds_instance_public_access_disabled", databases_in(demo, account.id, region)),
                ("kms_key_rotation_enabled", keys_in(demo, account.id, region)),
                (
                    "ec2_security_group_admin_ports_restricted",
                    set(groups_in(demo, account.id, region)),
                ),
            ):
                expected = expected_ids(demo, check_id, account.id, region)
                assert listed == expected, (account.name, region, check_id)
            # Bucket names say where they were meant to go.
            for name in buckets_in(demo, account.id, region):
                assert name.startswith(f"sm-{demo.tag}-{account.name}-{region}-"), name


def test_planted_counts_per_member_account_and_region(demo: DemoOrganization) -> None:
    others = [r for r in demo.regions if r != demo.home_region]
    for account in demo.accounts:
        # The trail's log bucket: the multi-Region trail's in the home region, the
        # single-Region trail's in the other one.
        trail = PROFILES[account.name].trail
        trail_region = {"multi_region": demo.home_region, "single_region": others[0]}.get(trail)
        for region in demo.regions:
            groups = groups_in(demo, account.id, region)
            assert sorted(groups.values()) == [
                "bastion-ssh-01",
                "default",
                "web-frontend-01",
                "windows-rdp-01",
            ]
            buckets = buckets_in(demo, account.id, region)
            logs = {b for b in buckets if b.endswith("-cloudtrail-logs")}
            assert len(buckets - logs) == PLANTED_PER_REGION["buckets"]
            assert len(databases_in(demo, account.id, region)) == PLANTED_PER_REGION["databases"]
            assert len(keys_in(demo, account.id, region)) == PLANTED_PER_REGION["keys"]
            assert len(logs) == (1 if region == trail_region else 0), (account.name, region)
        assert sorted(users_in(demo, account.id).values()) == [
            "alice-01",
            "bob-01",
            "ci-deployer-01",
        ]


def test_management_account_holds_no_planted_resources(demo: DemoOrganization) -> None:
    management = demo.management_account_id
    for region in demo.regions:
        assert buckets_in(demo, management, region) == set()
        assert databases_in(demo, management, region) == set()
        assert keys_in(demo, management, region) == set()
        assert list(groups_in(demo, management, region).values()) == ["default"]
    assert users_in(demo, management) == {}


def test_users_are_global_and_named_by_user_id(demo: DemoOrganization) -> None:
    for account in demo.accounts:
        iam = demo.client(account.id, "iam")
        users = users_in(demo, account.id)
        assert set(users) == expected_ids(demo, "iam_user_console_mfa_enabled", account.id)
        verdicts = {
            users[e.resource_id]: e.compliance
            for e in demo.expected_for(["iam_user_console_mfa_enabled"])
            if e.account_id == account.id
        }
        assert verdicts == {
            "alice-01": COMPLIANT,
            "bob-01": NON_COMPLIANT,
            "ci-deployer-01": NOT_APPLICABLE,
        }
        for name in ("alice-01", "bob-01"):
            assert iam.get_login_profile(UserName=name)["LoginProfile"]["UserName"] == name
        with pytest.raises(ClientError, match="NoSuchEntity"):
            iam.get_login_profile(UserName="ci-deployer-01")
        assert [len(iam.list_mfa_devices(UserName=n)["MFADevices"]) for n in sorted(verdicts)] == [
            1,
            0,
            0,
        ]


def test_bucket_settings_match_their_verdicts(demo: DemoOrganization) -> None:
    account = demo.accounts[1]  # staging: every account plants the same four buckets
    region = "ap-northeast-1"
    s3 = demo.client(account.id, "s3", region)
    block_verdicts = {
        e.resource_id: e.compliance
        for e in demo.expected_for(["s3_bucket_public_access_blocked"])
        if (e.account_id, e.region) == (account.id, region)
    }
    for bucket, verdict in block_verdicts.items():
        try:
            block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        except ClientError:
            block = None
        assert (block == ALL_BLOCKED) == (verdict == COMPLIANT), bucket
    tls = {
        e.resource_id: e.compliance
        for e in demo.expected_for(["s3_bucket_ssl_requests_only"])
        if (e.account_id, e.region) == (account.id, region)
    }
    for bucket, verdict in tls.items():
        try:
            statements = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
        except ClientError:
            statements = []
        denies_http = any(
            s["Effect"] == "Deny"
            and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
            for s in statements
        )
        assert denies_http == (verdict == COMPLIANT), bucket


def test_security_group_rules_match_their_verdicts(demo: DemoOrganization) -> None:
    account = demo.accounts[2]  # sandbox: default groups left open in both regions
    for region in demo.regions:
        ec2 = demo.client(account.id, "ec2", region)
        groups = {g["GroupName"]: g for g in ec2.describe_security_groups()["SecurityGroups"]}
        open_cidrs = {
            name: sorted(
                [r["CidrIp"] for p in g["IpPermissions"] for r in p.get("IpRanges", [])]
                + [r["CidrIpv6"] for p in g["IpPermissions"] for r in p.get("Ipv6Ranges", [])]
            )
            for name, g in groups.items()
        }
        assert open_cidrs == {
            "default": [],
            "web-frontend-01": ["0.0.0.0/0", "10.0.0.0/8"],
            "bastion-ssh-01": ["0.0.0.0/0"],
            "windows-rdp-01": ["::/0"],
        }
        default = groups["default"]
        # As AWS makes it: all traffic from its own members, all traffic out.
        assert default["IpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"] == default["GroupId"]
        assert default["IpPermissionsEgress"]


def test_databases_and_keys_match_their_verdicts(demo: DemoOrganization) -> None:
    account = demo.accounts[0]
    region = "us-east-1"
    public = {
        i["DbiResourceId"]: i["PubliclyAccessible"]
        for i in demo.client(account.id, "rds", region).describe_db_instances()["DBInstances"]
    }
    kms = demo.client(account.id, "kms", region)
    rotating = {
        k: kms.get_key_rotation_status(KeyId=k)["KeyRotationEnabled"]
        for k in keys_in(demo, account.id, region)
    }
    for e in demo.expected:
        if (e.account_id, e.region) != (account.id, region):
            continue
        if e.check_id == "rds_instance_public_access_disabled":
            assert public.pop(e.resource_id) == (e.compliance == NON_COMPLIANT)
        if e.check_id == "kms_key_rotation_enabled":
            assert rotating.pop(e.resource_id) == (e.compliance == COMPLIANT)
    assert public == rotating == {}  # every instance and key had exactly one expectation


# --- account-level settings -----------------------------------------------------------------


def password_policy(demo: DemoOrganization, account_id: str) -> dict[str, Any] | None:
    try:
        policy = demo.client(account_id, "iam").get_account_password_policy()["PasswordPolicy"]
    except ClientError:
        return None
    return {k: policy.get(k) for k in STRONG_PASSWORD_POLICY}


def account_block(demo: DemoOrganization, account_id: str) -> dict[str, bool] | None:
    s3control = demo.client(account_id, "s3control")
    try:
        return s3control.get_public_access_block(AccountId=account_id)[
            "PublicAccessBlockConfiguration"
        ]
    except ClientError:
        return None


def test_account_settings_are_kept_per_account(demo: DemoOrganization) -> None:
    seen = {}
    for account in demo.all_accounts():
        ebs = {
            region: demo.client(account.id, "ec2", region).get_ebs_encryption_by_default()[
                "EbsEncryptionByDefault"
            ]
            for region in demo.regions
        }
        trails = demo.client(account.id, "cloudtrail").describe_trails(includeShadowTrails=True)
        seen[account.name] = (
            password_policy(demo, account.id) == STRONG_PASSWORD_POLICY,
            password_policy(demo, account.id) is None,
            ebs,
            account_block(demo, account.id),
            [(t["Name"], t["IsMultiRegionTrail"]) for t in trails["trailList"]],
        )
    on = {"ap-northeast-1": True, "us-east-1": True}
    acls_only = {**ALL_BLOCKED, "BlockPublicPolicy": False, "RestrictPublicBuckets": False}
    assert seen == {
        "management": (True, False, on, ALL_BLOCKED, []),
        "production": (True, False, on, ALL_BLOCKED, [("audit-all-regions", True)]),
        # staging's single-Region trail is in ap-northeast-1: us-east-1 does not list it.
        "staging": (False, False, {**on, "us-east-1": False}, acls_only, []),
        "sandbox": (False, True, dict.fromkeys(REGIONS, False), None, []),
    }


def test_the_multi_region_trail_logs_all_management_events(demo: DemoOrganization) -> None:
    production = demo.accounts[0]
    cloudtrail = demo.client(production.id, "cloudtrail")
    assert cloudtrail.get_trail_status(Name="audit-all-regions")["IsLogging"] is True
    selectors = cloudtrail.get_event_selectors(TrailName="audit-all-regions")["EventSelectors"]
    assert [(s["ReadWriteType"], s["IncludeManagementEvents"]) for s in selectors] == [
        ("All", True)
    ]
    staging = demo.accounts[1]
    tokyo = demo.client(staging.id, "cloudtrail", "ap-northeast-1")
    assert [t["IsMultiRegionTrail"] for t in tokyo.describe_trails()["trailList"]] == [False]


def test_default_groups_are_closed_as_the_profile_says(demo: DemoOrganization) -> None:
    for account in demo.all_accounts():
        for region in demo.regions:
            ec2 = demo.client(account.id, "ec2", region)
            default = ec2.describe_security_groups(
                Filters=[{"Name": "group-name", "Values": ["default"]}]
            )["SecurityGroups"][0]
            closed = not default["IpPermissions"] and not default["IpPermissionsEgress"]
            assert closed == PROFILES[account.name].default_sg_closed[region], (account, region)
            verdict = next(
                e.compliance
                for e in demo.expected_for(["ec2_default_security_group_closed"])
                if e.resource_id == default["GroupId"]
            )
            assert verdict == (COMPLIANT if closed else NON_COMPLIANT)


# --- the expectations -----------------------------------------------------------------------


def test_expectations_cover_every_check_both_ways(demo: DemoOrganization) -> None:
    registry = load_registry()
    verdicts: dict[str, set[str]] = {}
    for e in demo.expected:
        verdicts.setdefault(e.check_id, set()).add(e.compliance)
    assert set(verdicts) == set(registry)
    # moto reports the root user the same way everywhere (see demo.root_user).
    assert verdicts.pop("iam_root_mfa_enabled") == {NON_COMPLIANT}
    assert verdicts.pop("iam_root_access_key_absent") == {COMPLIANT}
    for check_id, seen in verdicts.items():
        assert {COMPLIANT, NON_COMPLIANT} <= seen, check_id


def test_expectations_are_unique_and_well_formed(demo: DemoOrganization) -> None:
    keys = Counter((e.account_id, e.region, e.check_id, e.resource_id) for e in demo.expected)
    assert [k for k, n in keys.items() if n > 1] == []
    account_ids = {a.id for a in demo.all_accounts()}
    registry = load_registry()
    for e in demo.expected:
        assert e.account_id in account_ids
        assert e.region in demo.regions
        assert e.compliance in (COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE)
        check = registry[e.check_id]
        if "AWS::::Account" in check.resource_types:
            assert e.resource_id == e.account_id
        if check.scope == "global" or e.check_id == "iam_user_console_mfa_enabled":
            assert e.region == demo.home_region, e  # one verdict per account, home region


def test_account_level_expectations_per_account(demo: DemoOrganization) -> None:
    names = {a.id: a.name for a in demo.all_accounts()}
    table = {
        (names[e.account_id], e.region, e.check_id): e.compliance
        for e in demo.expected_for(
            [
                "iam_password_policy_strong",
                "s3_account_public_access_blocked",
                "cloudtrail_multi_region_enabled",
                "ec2_ebs_default_encryption_enabled",
            ]
        )
    }
    home = demo.home_region
    c, n = COMPLIANT, NON_COMPLIANT
    rows = {
        # name: password, account block, trail, EBS ap-northeast-1, EBS us-east-1
        "management": (c, c, n, c, c),
        "production": (c, c, c, c, c),
        "staging": (n, n, n, c, n),
        "sandbox": (n, n, n, n, n),
    }
    assert table == {
        key: value
        for name, row in rows.items()
        for key, value in zip(
            [
                (name, home, "iam_password_policy_strong"),
                (name, home, "s3_account_public_access_blocked"),
                (name, home, "cloudtrail_multi_region_enabled"),
                (name, "ap-northeast-1", "ec2_ebs_default_encryption_enabled"),
                (name, "us-east-1", "ec2_ebs_default_encryption_enabled"),
            ],
            row,
            strict=True,
        )
    }


def test_expected_for_filters_by_check(demo: DemoOrganization) -> None:
    picked = demo.expected_for(["kms_key_rotation_enabled", "iam_root_mfa_enabled"])
    assert {e.check_id for e in picked} == {"kms_key_rotation_enabled", "iam_root_mfa_enabled"}
    assert picked == [
        e
        for e in demo.expected
        if e.check_id in ("kms_key_rotation_enabled", "iam_root_mfa_enabled")
    ]
    assert demo.expected_for([]) == []
    assert demo.expected_for(iter(["iam_root_mfa_enabled"])) == [
        Expectation(a.id, demo.home_region, "iam_root_mfa_enabled", a.id, NON_COMPLIANT)
        for a in demo.all_accounts()
    ]


def test_home_region_is_where_the_scanner_runs_account_wide_checks(
    demo: DemoOrganization,
) -> None:
    from scanmonster.scan.scanner import global_region

    assert global_region(demo.regions) == demo.home_region


# --- scale and independence -----------------------------------------------------------------


def test_scale_multiplies_resources_not_account_settings(
    demo: DemoOrganization, endpoint: str
) -> None:
    bigger = build_demo_organization(endpoint, scale=3)
    assert bigger.scale == 3
    one_scaled, one_fixed = split_counts(demo)
    three_scaled, three_fixed = split_counts(bigger)
    assert len(one_scaled) >= len(RESOURCE_CHECKS)  # every resource check has planted items
    assert three_scaled == Counter({key: 3 * n for key, n in one_scaled.items()})
    assert three_fixed == one_fixed
    production = bigger.accounts[0]
    for region in bigger.regions:
        databases = databases_in(bigger, production.id, region)
        assert len(databases) == 3 * PLANTED_PER_REGION["databases"]
        assert len(keys_in(bigger, production.id, region)) == 3 * PLANTED_PER_REGION["keys"]
        groups = groups_in(bigger, production.id, region)
        assert len(groups) == 3 * PLANTED_PER_REGION["security_groups"] + 1  # + default
    assert len(users_in(bigger, production.id)) == 3 * PLANTED_USERS


def split_counts(org: DemoOrganization) -> tuple[Counter, Counter]:
    """Verdict counts of what `scale` multiplies, and of what comes once per account or
    region (account settings, default security groups, the trail's log bucket)."""
    default_groups = {
        e.resource_id
        for e in org.expected_for(["ec2_default_security_group_closed"])
        if e.compliance != NOT_APPLICABLE
    }
    scaled: Counter = Counter()
    fixed: Counter = Counter()
    for e in org.expected:
        once = (
            e.check_id not in RESOURCE_CHECKS | {"ec2_default_security_group_closed"}
            or e.resource_id in default_groups
            or e.resource_id.endswith("-cloudtrail-logs")
        )
        (fixed if once else scaled)[(e.check_id, e.compliance)] += 1
    return scaled, fixed


def test_two_builds_in_two_servers_are_independent(demo: DemoOrganization) -> None:
    before = {
        (a.id, r): (buckets_in(demo, a.id, r), set(groups_in(demo, a.id, r)))
        for a in demo.accounts
        for r in demo.regions
    }
    server, url = start_moto_server()
    try:
        other = build_demo_organization(url)
        assert url != demo.endpoint_url
        ours = {a.id for a in demo.all_accounts()}
        theirs = {a.id for a in other.all_accounts()}
        assert ours.isdisjoint(theirs)
        assert other.organization_id != demo.organization_id
        assert other.tag != demo.tag
        # The first organization is untouched and does not see the second one's accounts.
        after = {
            (a.id, r): (buckets_in(demo, a.id, r), set(groups_in(demo, a.id, r)))
            for a in demo.accounts
            for r in demo.regions
        }
        assert after == before
        listed = demo.client(demo.management_account_id, "organizations").list_accounts()
        assert {a["Id"] for a in listed["Accounts"]} == ours
        # The second one holds its own, complete set.
        for account in other.accounts:
            for region in other.regions:
                found = buckets_in(other, account.id, region)
                assert found == expected_ids(
                    other, "s3_bucket_public_access_blocked", account.id, region
                )
                assert all(name.startswith(f"sm-{other.tag}-") for name in found)
        assert len(other.expected) == len(demo.expected)
    finally:
        server.stop()


# --- the server -----------------------------------------------------------------------------


def test_server_listens_on_loopback_and_stops() -> None:
    server, url = start_moto_server()
    try:
        assert url.startswith("http://127.0.0.1:")
        sts = boto3.client("sts", endpoint_url=url, region_name="us-east-1")
        assert sts.get_caller_identity()["Account"] == "123456789012"
    finally:
        server.stop()
    sts = boto3.client(
        "sts",
        endpoint_url=url,
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 0}, connect_timeout=1),
    )
    with pytest.raises(EndpointConnectionError):
        sts.get_caller_identity()


def test_scale_must_be_positive(endpoint: str) -> None:
    with pytest.raises(ValueError, match="scale"):
        build_demo_organization(endpoint, scale=0)


@pytest.mark.parametrize(
    ("url", "rewritten"),
    [
        (
            "http://123456789012.127.0.0.1:5000/v20180820/configuration/publicAccessBlock",
            "http://127.0.0.1:5000/v20180820/configuration/publicAccessBlock",
        ),
        ("http://123456789012.localhost:5000/v20180820/x", "http://localhost:5000/v20180820/x"),
        # A real endpoint keeps its account host.
        (
            "https://123456789012.s3-control.us-east-1.amazonaws.com/v20180820/x",
            "https://123456789012.s3-control.us-east-1.amazonaws.com/v20180820/x",
        ),
        ("http://127.0.0.1:5000/v20180820/x", "http://127.0.0.1:5000/v20180820/x"),
    ],
)
def test_s3control_host_prefix_is_dropped_for_loopback_only(url: str, rewritten: str) -> None:
    request = SimpleNamespace(url=url)
    endpoints._drop_account_host_prefix(request)
    assert request.url == rewritten
