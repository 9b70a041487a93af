"""EC2.2: the default security group of every VPC allows no inbound or outbound traffic."""

from __future__ import annotations

import pytest

from scanmonster.runtime.errors import InvalidParameterError
from tests.support import (
    annotation,
    load_item,
    run_change,
    run_oversized,
    verdict,
)

CHECK = "ec2_default_security_group_closed"

# Every real recorded security group item and the verdict it deserves: only groups named
# "default" are judged; every other group is NOT_APPLICABLE, whatever its rules.
RECORDED_VERDICTS = {
    "AWS-EC2-SecurityGroup__acr-fixture-0-65535-world-ipv6.json": "NOT_APPLICABLE",
    "AWS-EC2-SecurityGroup__acr-fixture-10000-12000-world.json": "NOT_APPLICABLE",
    "AWS-EC2-SecurityGroup__c7n-api-8080-world-443-private.json": "NOT_APPLICABLE",
    "AWS-EC2-SecurityGroup__c7n-api-sg-reference-port0.json": "NOT_APPLICABLE",
    "AWS-EC2-SecurityGroup__c7n-open-ssh-event.json": "NOT_APPLICABLE",
    # default group with the rules AWS creates (self-reference in, all out) plus a /32
    "AWS-EC2-SecurityGroup__c7n-select-default-sg-self-ref.json": "NON_COMPLIANT",
    "AWS-EC2-SecurityGroup__c7n-select-no-ingress.json": "NOT_APPLICABLE",
    "AWS-EC2-SecurityGroup__c7n-select-ssh-world-float-ports.json": "NOT_APPLICABLE",
    "AWS-EC2-SecurityGroup__rdk-launch-wizard-ssh-open.json": "NOT_APPLICABLE",
    "AWS-EC2-SecurityGroup__var-all-traffic-from-ipv6-any.json": "NOT_APPLICABLE",
    "AWS-EC2-SecurityGroup__var-api-stringified-ssh-world.json": "NOT_APPLICABLE",
    "AWS-EC2-SecurityGroup__var-default-sg-egress-only.json": "NON_COMPLIANT",  # outbound kept
    "AWS-EC2-SecurityGroup__var-default-sg-no-rules.json": "COMPLIANT",
    "AWS-EC2-SecurityGroup__var-icmp-all-from-world.json": "NOT_APPLICABLE",
    "AWS-EC2-SecurityGroup__var-nondefault-sg-no-rules.json": "NOT_APPLICABLE",  # 'app-sg'
    "AWS-EC2-SecurityGroup__var-rdp-3389-from-world.json": "NOT_APPLICABLE",
    "AWS-EC2-SecurityGroup__var-resource-deleted.json": "NOT_APPLICABLE",
    "AWS-EC2-SecurityGroup__var-ssh-rdp-from-private-cidrs.json": "NOT_APPLICABLE",
    "AWS-EC2-SecurityGroup__var-ssh-world-in-egress-only.json": "NOT_APPLICABLE",
    "AWS-EC2-SecurityGroup__var-ssh-world-ipv4Ranges-only.json": "NOT_APPLICABLE",
    "AWS-EC2-SecurityGroup__var-tcp-0-65535-from-ipv6-any.json": "NOT_APPLICABLE",
    "AWS-EC2-SecurityGroup__var-tcp-20-30-range-from-world.json": "NOT_APPLICABLE",
    "AWS-EC2-SecurityGroup__var-tcp-2222-from-world.json": "NOT_APPLICABLE",
    "AWS-EC2-SecurityGroup__var-tcp-3380-3390-range-from-world.json": "NOT_APPLICABLE",
    "AWS-EC2-SecurityGroup__var-udp-3389-from-world.json": "NOT_APPLICABLE",
    "AWS-EC2-SecurityGroup__wd-api-ssh-from-32-and-prefix-list.json": "NOT_APPLICABLE",
}


def default_group(*, inbound: bool = True, outbound: bool = True) -> dict:
    """The default group as AWS creates it; drop its inbound and/or outbound rule."""
    item = load_item("AWS::EC2::SecurityGroup", "vpc-default-as-created")
    if not inbound:
        item["configuration"]["ipPermissions"] = []
    if not outbound:
        item["configuration"]["ipPermissionsEgress"] = []
    return item


def test_default_group_without_rules_is_compliant() -> None:
    evaluations = run_change(CHECK, default_group(inbound=False, outbound=False))
    assert [e["ComplianceType"] for e in evaluations] == ["COMPLIANT"]
    assert evaluations[0]["ComplianceResourceId"] == "sg-05e6f7a8b9c0d1e2f"
    assert evaluations[0]["ComplianceResourceType"] == "AWS::EC2::SecurityGroup"
    assert evaluations[0]["OrderingTimestamp"] == "2026-11-20T08:15:42.120Z"
    assert "sg-05e6f7a8b9c0d1e2f of VPC vpc-0d1e2f3a4b5c6d7e8" in annotation(evaluations)


@pytest.mark.parametrize(
    ("inbound", "outbound", "named", "not_named"),
    [
        (True, True, "allows inbound and outbound traffic (1 inbound rule, 1 outbound rule)", ""),
        (True, False, "allows inbound traffic (1 inbound rule)", "outbound"),
        (False, True, "allows outbound traffic (1 outbound rule)", "inbound"),
    ],
)
def test_default_group_with_rules_is_non_compliant_naming_directions(
    inbound: bool, outbound: bool, named: str, not_named: str
) -> None:
    evaluations = run_change(CHECK, default_group(inbound=inbound, outbound=outbound))
    assert evaluations[0]["ComplianceType"] == "NON_COMPLIANT"
    text = annotation(evaluations)
    assert named in text
    assert "sg-05e6f7a8b9c0d1e2f" in text
    if not_named:
        assert not_named not in text


def test_rule_counts_are_given_in_the_plural() -> None:
    item = default_group(outbound=False)
    rules = item["configuration"]["ipPermissions"]
    rules.append({**rules[0], "ipProtocol": "tcp", "fromPort": 22, "toPort": 22})
    assert "(2 inbound rules)" in annotation(run_change(CHECK, item))


def test_any_rule_counts_even_a_narrow_one() -> None:
    item = default_group(inbound=False, outbound=False)
    item["configuration"]["ipPermissions"] = [
        {
            "ipProtocol": "tcp",
            "fromPort": 443,
            "toPort": 443,
            "ipv4Ranges": [{"cidrIp": "192.0.2.10/32"}],
            "ipRanges": ["192.0.2.10/32"],
            "ipv6Ranges": [],
            "prefixListIds": [],
            "userIdGroupPairs": [],
        }
    ]
    assert verdict(CHECK, item) == "NON_COMPLIANT"


@pytest.mark.parametrize("rules", [None, "[]", [None, "junk"]])
def test_missing_or_malformed_rule_lists_count_as_no_rules(rules: object) -> None:
    item = default_group()
    item["configuration"]["ipPermissions"] = rules
    item["configuration"]["ipPermissionsEgress"] = rules
    assert verdict(CHECK, item) == "COMPLIANT"


def test_default_group_without_vpc_id_is_still_judged() -> None:
    item = default_group()
    del item["configuration"]["vpcId"]
    evaluations = run_change(CHECK, item)
    assert evaluations[0]["ComplianceType"] == "NON_COMPLIANT"
    assert "of VPC" not in annotation(evaluations)


@pytest.mark.parametrize("name", ["app-sg", "Default", "default-web", ""])
def test_groups_not_named_default_are_not_applicable(name: str) -> None:
    item = default_group()
    item["configuration"]["groupName"] = item["resourceName"] = name
    evaluations = run_change(CHECK, item)
    assert evaluations[0]["ComplianceType"] == "NOT_APPLICABLE"
    assert "sg-05e6f7a8b9c0d1e2f" in annotation(evaluations)


def test_item_recorded_without_configuration_is_not_applicable() -> None:
    item = default_group()
    item["configuration"] = None
    assert verdict(CHECK, item) == "NOT_APPLICABLE"


@pytest.mark.parametrize(
    "status", ["ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"]
)
def test_deleted_or_unrecorded_group_is_not_applicable(status: str) -> None:
    item = default_group()
    item["configurationItemStatus"] = status
    item["configuration"] = None
    assert verdict(CHECK, item) == "NOT_APPLICABLE"


def test_group_that_left_the_rule_scope_is_not_applicable() -> None:
    evaluations = run_change(CHECK, default_group(), left_scope=True)
    assert evaluations[0]["ComplianceType"] == "NOT_APPLICABLE"


def test_check_takes_no_parameters() -> None:
    with pytest.raises(InvalidParameterError, match="Ports"):
        run_change(CHECK, default_group(), parameters={"Ports": "22"})


def test_several_groups_get_their_own_verdicts() -> None:
    closed = default_group(inbound=False, outbound=False)
    open_default = default_group()
    other = load_item("AWS::EC2::SecurityGroup", "web-https-only")
    for index, item in enumerate([closed, open_default]):
        item["resourceId"] = item["configuration"]["groupId"] = f"sg-{index:017x}"
    results = [run_change(CHECK, item)[0] for item in (closed, open_default, other)]
    assert [(r["ComplianceResourceId"], r["ComplianceType"]) for r in results] == [
        ("sg-00000000000000000", "COMPLIANT"),
        ("sg-00000000000000001", "NON_COMPLIANT"),
        ("sg-0a1b2c3d4e5f60718", "NOT_APPLICABLE"),
    ]


@pytest.mark.parametrize(("outbound", "expected"), [(True, "NON_COMPLIANT"), (False, "COMPLIANT")])
def test_oversized_item_is_fetched_from_config_history(aws, outbound: bool, expected: str) -> None:
    evaluations = run_oversized(CHECK, default_group(inbound=False, outbound=outbound), aws)
    assert [(e["ComplianceResourceId"], e["ComplianceType"]) for e in evaluations] == [
        ("sg-05e6f7a8b9c0d1e2f", expected)
    ]
