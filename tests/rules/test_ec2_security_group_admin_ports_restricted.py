"""EC2.53 / EC2.54: no security group opens remote administration ports to the internet."""

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

CHECK = "ec2_security_group_admin_ports_restricted"

# Every real recorded security group item and the verdict it deserves.
RECORDED_VERDICTS = {
    # tcp 0-65535 from 0.0.0.0/0 and ::/0 (beside harmless 80, 443, 10000-15000 rules)
    "AWS-EC2-SecurityGroup__acr-fixture-0-65535-world-ipv6.json": "NON_COMPLIANT",
    "AWS-EC2-SecurityGroup__acr-fixture-10000-12000-world.json": "COMPLIANT",  # misses 22/3389
    "AWS-EC2-SecurityGroup__c7n-api-8080-world-443-private.json": "COMPLIANT",
    "AWS-EC2-SecurityGroup__c7n-api-sg-reference-port0.json": "COMPLIANT",  # source is a group
    "AWS-EC2-SecurityGroup__c7n-open-ssh-event.json": "NON_COMPLIANT",
    # all traffic, but only from its own members and one /32
    "AWS-EC2-SecurityGroup__c7n-select-default-sg-self-ref.json": "COMPLIANT",
    "AWS-EC2-SecurityGroup__c7n-select-no-ingress.json": "COMPLIANT",
    "AWS-EC2-SecurityGroup__c7n-select-ssh-world-float-ports.json": "NON_COMPLIANT",  # 22.0
    "AWS-EC2-SecurityGroup__rdk-launch-wizard-ssh-open.json": "NON_COMPLIANT",  # ipRanges only
    "AWS-EC2-SecurityGroup__var-all-traffic-from-ipv6-any.json": "NON_COMPLIANT",  # -1 from ::/0
    "AWS-EC2-SecurityGroup__var-api-stringified-ssh-world.json": "NON_COMPLIANT",
    "AWS-EC2-SecurityGroup__var-default-sg-egress-only.json": "COMPLIANT",  # no inbound rule
    "AWS-EC2-SecurityGroup__var-default-sg-no-rules.json": "COMPLIANT",
    "AWS-EC2-SecurityGroup__var-icmp-all-from-world.json": "COMPLIANT",  # -1 = ICMP types
    "AWS-EC2-SecurityGroup__var-nondefault-sg-no-rules.json": "COMPLIANT",
    "AWS-EC2-SecurityGroup__var-rdp-3389-from-world.json": "NON_COMPLIANT",
    "AWS-EC2-SecurityGroup__var-resource-deleted.json": "NOT_APPLICABLE",
    # 22 and 3389 only from private/documentation ranges; 443 from anywhere is not checked
    "AWS-EC2-SecurityGroup__var-ssh-rdp-from-private-cidrs.json": "COMPLIANT",
    "AWS-EC2-SecurityGroup__var-ssh-world-in-egress-only.json": "COMPLIANT",  # outbound only
    "AWS-EC2-SecurityGroup__var-ssh-world-ipv4Ranges-only.json": "NON_COMPLIANT",
    "AWS-EC2-SecurityGroup__var-tcp-0-65535-from-ipv6-any.json": "NON_COMPLIANT",
    "AWS-EC2-SecurityGroup__var-tcp-20-30-range-from-world.json": "NON_COMPLIANT",  # covers 22
    "AWS-EC2-SecurityGroup__var-tcp-2222-from-world.json": "COMPLIANT",
    "AWS-EC2-SecurityGroup__var-tcp-3380-3390-range-from-world.json": "NON_COMPLIANT",
    "AWS-EC2-SecurityGroup__var-udp-3389-from-world.json": "NON_COMPLIANT",  # UDP counts too
    "AWS-EC2-SecurityGroup__wd-api-ssh-from-32-and-prefix-list.json": "COMPLIANT",
}


def permission(
    protocol: object = "tcp",
    from_port: object = 22,
    to_port: object = 22,
    *,
    v4: tuple[str, ...] = (),
    v6: tuple[str, ...] = (),
    legacy: tuple[str, ...] | None = None,
    prefix_lists: tuple[str, ...] = (),
    groups: tuple[str, ...] = (),
) -> dict:
    """An ipPermissions entry as AWS Config records it (ports left out when None)."""
    rule: dict = {
        "ipProtocol": protocol,
        "ipv6Ranges": [{"cidrIpv6": c} for c in v6],
        "prefixListIds": [{"prefixListId": p} for p in prefix_lists],
        "userIdGroupPairs": [{"groupId": g, "userId": "123456789012"} for g in groups],
        "ipv4Ranges": [{"cidrIp": c} for c in v4],
        "ipRanges": list(v4) if legacy is None else list(legacy),
    }
    if from_port is not None:
        rule["fromPort"] = from_port
    if to_port is not None:
        rule["toPort"] = to_port
    return rule


def group(*ingress: dict, egress: list | None = None) -> dict:
    item = load_item("AWS::EC2::SecurityGroup", "web-https-only")
    item["configuration"]["ipPermissions"] = list(ingress)
    if egress is not None:
        item["configuration"]["ipPermissionsEgress"] = egress
    return item


def test_https_only_group_is_compliant() -> None:
    evaluations = run_change(CHECK, load_item("AWS::EC2::SecurityGroup", "web-https-only"))
    assert [e["ComplianceType"] for e in evaluations] == ["COMPLIANT"]
    assert evaluations[0]["ComplianceResourceId"] == "sg-0a1b2c3d4e5f60718"
    assert evaluations[0]["ComplianceResourceType"] == "AWS::EC2::SecurityGroup"
    assert evaluations[0]["OrderingTimestamp"] == "2026-11-20T08:15:42.120Z"
    assert "sg-0a1b2c3d4e5f60718 (scanmonster-web)" in annotation(evaluations)
    assert "ports 22, 3389" in annotation(evaluations)


@pytest.mark.parametrize(
    ("rule", "expected_text"),
    [
        (permission(v4=("0.0.0.0/0",)), "TCP 22 from 0.0.0.0/0"),
        (permission(v6=("::/0",)), "TCP 22 from ::/0"),
        (permission("tcp", 3389, 3389, v4=("0.0.0.0/0",)), "TCP 3389 from 0.0.0.0/0"),
        (permission("udp", 3389, 3389, v6=("::/0",)), "UDP 3389 from ::/0"),
        (permission("tcp", 20, 30, v4=("0.0.0.0/0",)), "TCP 20-30 from 0.0.0.0/0"),
        (permission("tcp", 0, 65535, v4=("0.0.0.0/0",), v6=("::/0",)), "from 0.0.0.0/0, ::/0"),
        # the old shape: plain CIDR strings in ipRanges and no ipv4Ranges
        (permission(legacy=("0.0.0.0/0",)), "TCP 22 from 0.0.0.0/0"),
        # numeric protocols and float ports (SelectResourceConfig, CloudFormation)
        (permission("6", 22.0, 22.0, v4=("0.0.0.0/0",)), "TCP 22 from 0.0.0.0/0"),
        (permission("17", "3389", "3389", v4=("0.0.0.0/0",)), "UDP 3389 from 0.0.0.0/0"),
        (permission(6, 22, 22, v4=("0.0.0.0/0",)), "TCP 22 from 0.0.0.0/0"),
        # all traffic: ports omitted, null, or -1
        (permission("-1", None, None, v4=("0.0.0.0/0",)), "all traffic from 0.0.0.0/0"),
        (permission("-1", -1, -1, v6=("::/0",)), "all traffic from ::/0"),
        (permission(-1.0, None, None, v4=("0.0.0.0/0",)), "all traffic from 0.0.0.0/0"),
    ],
)
def test_admin_port_open_to_anywhere_is_non_compliant(rule: dict, expected_text: str) -> None:
    evaluations = run_change(CHECK, group(rule))
    assert evaluations[0]["ComplianceType"] == "NON_COMPLIANT"
    assert expected_text in annotation(evaluations)
    assert "sg-0a1b2c3d4e5f60718 (scanmonster-web)" in annotation(evaluations)


def test_explicit_null_ports_on_all_traffic_rule_are_read_as_every_port() -> None:
    rule = permission("-1", None, None, v4=("0.0.0.0/0",))
    rule["fromPort"] = rule["toPort"] = None
    assert verdict(CHECK, group(rule)) == "NON_COMPLIANT"


def test_annotation_names_only_the_exposed_ports() -> None:
    evaluations = run_change(CHECK, group(permission("tcp", 3380, 3390, v4=("0.0.0.0/0",))))
    text = annotation(evaluations)
    assert "allows port 3389 from anywhere" in text
    assert "22" not in text


def test_several_exposing_rules_are_all_named() -> None:
    evaluations = run_change(
        CHECK,
        group(
            permission(v4=("0.0.0.0/0",)),
            permission("tcp", 443, 443, v4=("0.0.0.0/0",)),
            permission("udp", 3389, 3389, v6=("::/0",)),
        ),
    )
    text = annotation(evaluations)
    assert "ports 22, 3389" in text
    assert "TCP 22 from 0.0.0.0/0; UDP 3389 from ::/0" in text
    assert "443" not in text


@pytest.mark.parametrize(
    "rule",
    [
        permission("tcp", 2222, 2222, v4=("0.0.0.0/0",)),
        permission("tcp", 23, 3388, v4=("0.0.0.0/0",), v6=("::/0",)),  # between the two
        permission("tcp", 3390, 65535, v4=("0.0.0.0/0",)),
        permission("tcp", 0, 21, v6=("::/0",)),
        permission("icmp", -1, -1, v4=("0.0.0.0/0",)),  # ICMP "ports" are types and codes
        permission("icmpv6", -1, -1, v6=("::/0",)),
        permission("58", -1, -1, v6=("::/0",)),  # ICMPv6 by number
        permission("50", None, None, v4=("0.0.0.0/0",)),  # ESP has no ports
        permission(v4=("10.0.0.0/8",), v6=("2001:db8::/32",)),
        permission(v4=("0.0.0.0/1",)),  # half the internet is not "anywhere"
        permission(prefix_lists=("pl-0a1b2c3d",)),
        permission("-1", None, None, groups=("sg-05e6f7a8b9c0d1e2f",)),
        permission(v4=("not-a-cidr",)),
    ],
)
def test_admin_ports_not_open_to_anywhere_are_compliant(rule: dict) -> None:
    assert verdict(CHECK, group(rule)) == "COMPLIANT"


def test_world_open_ssh_in_outbound_rules_only_is_compliant() -> None:
    item = group(egress=[permission(v4=("0.0.0.0/0",)), permission("-1", None, None, v6=("::/0",))])
    assert verdict(CHECK, item) == "COMPLIANT"


def test_group_without_rules_or_with_malformed_rules_is_compliant() -> None:
    assert verdict(CHECK, group()) == "COMPLIANT"
    item = group()
    item["configuration"]["ipPermissions"] = None
    assert verdict(CHECK, item) == "COMPLIANT"
    assert verdict(CHECK, group("not a rule", {"ipRanges": "0.0.0.0/0"})) == "COMPLIANT"


def test_item_recorded_without_configuration_is_not_applicable() -> None:
    item = group()
    item["configuration"] = None
    evaluations = run_change(CHECK, item)
    assert evaluations[0]["ComplianceType"] == "NOT_APPLICABLE"
    assert "sg-0a1b2c3d4e5f60718 (scanmonster-web)" in annotation(evaluations)


@pytest.mark.parametrize(
    "status", ["ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"]
)
def test_deleted_or_unrecorded_group_is_not_applicable(status: str) -> None:
    item = group(permission(v4=("0.0.0.0/0",)))
    item["configurationItemStatus"] = status
    item["configuration"] = None
    assert verdict(CHECK, item) == "NOT_APPLICABLE"


def test_group_that_left_the_rule_scope_is_not_applicable() -> None:
    evaluations = run_change(CHECK, group(permission(v4=("0.0.0.0/0",))), left_scope=True)
    assert evaluations[0]["ComplianceType"] == "NOT_APPLICABLE"


# --- the Ports parameter (AWS Config sends text: "22,3389") ---


@pytest.mark.parametrize(
    ("ports", "rule", "expected"),
    [
        ("8080", permission("tcp", 8080, 8080, v4=("0.0.0.0/0",)), "NON_COMPLIANT"),
        ("8080", permission(v4=("0.0.0.0/0",)), "COMPLIANT"),  # 22 no longer checked
        ("22, 3389,5985", permission("tcp", 5985, 5986, v6=("::/0",)), "NON_COMPLIANT"),
        ("[22, 3389]", permission("tcp", 3389, 3389, v4=("0.0.0.0/0",)), "NON_COMPLIANT"),
        # the bounds themselves are valid ports
        ("0", permission("tcp", 0, 0, v4=("0.0.0.0/0",)), "NON_COMPLIANT"),
        ("65535", permission("tcp", 65535, 65535, v4=("0.0.0.0/0",)), "NON_COMPLIANT"),
        ("65535", permission("tcp", 0, 65534, v4=("0.0.0.0/0",)), "COMPLIANT"),
        ("1", permission("tcp", 0, 0, v4=("0.0.0.0/0",)), "COMPLIANT"),
    ],
)
def test_ports_parameter_chooses_the_checked_ports(ports: str, rule: dict, expected: str) -> None:
    assert verdict(CHECK, group(rule), parameters={"Ports": ports}) == expected


def test_ports_parameter_is_named_in_the_annotation() -> None:
    evaluations = run_change(CHECK, group(), parameters={"Ports": "5985,5986"})
    assert "ports 5985, 5986" in annotation(evaluations)


def test_empty_ports_parameter_means_the_default() -> None:
    item = group(permission("tcp", 3389, 3389, v4=("0.0.0.0/0",)))
    assert verdict(CHECK, item, parameters={"Ports": ""}) == "NON_COMPLIANT"


@pytest.mark.parametrize("ports", ["-1", "65536", "22,70000", "ssh", "22,,3389", "22.5", "[]"])
def test_invalid_ports_parameter_is_refused_naming_it(ports: str) -> None:
    with pytest.raises(InvalidParameterError, match="Ports"):
        run_change(CHECK, group(), parameters={"Ports": ports})


# --- several groups, oversized items ---


def test_several_groups_get_their_own_verdicts() -> None:
    items = [
        group(),
        group(permission(v4=("0.0.0.0/0",))),
        group(permission("-1", None, None, v6=("::/0",))),
        group(permission(v4=("192.0.2.10/32",))),
    ]
    for index, item in enumerate(items):
        item["resourceId"] = item["configuration"]["groupId"] = f"sg-{index:017x}"
    results = [run_change(CHECK, item)[0] for item in items]
    assert [(r["ComplianceResourceId"], r["ComplianceType"]) for r in results] == [
        ("sg-00000000000000000", "COMPLIANT"),
        ("sg-00000000000000001", "NON_COMPLIANT"),
        ("sg-00000000000000002", "NON_COMPLIANT"),
        ("sg-00000000000000003", "COMPLIANT"),
    ]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (permission("tcp", 22.0, 22.0, legacy=("0.0.0.0/0",)), "NON_COMPLIANT"),
        (permission("tcp", 443, 443, v4=("0.0.0.0/0",)), "COMPLIANT"),
    ],
)
def test_oversized_item_is_fetched_from_config_history(aws, rule: dict, expected: str) -> None:
    evaluations = run_oversized(CHECK, group(rule), aws)
    assert [(e["ComplianceResourceId"], e["ComplianceType"]) for e in evaluations] == [
        ("sg-0a1b2c3d4e5f60718", expected)
    ]
