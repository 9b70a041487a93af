"""AWS::EC2::SecurityGroup: one item per security group of the region.

The rules keep AWS Config's shape: per permission fromPort/toPort (absent for all-traffic
rules, like DescribeSecurityGroups leaves them), ipProtocol, ipv4Ranges [{cidrIp}],
ipv6Ranges [{cidrIpv6}], the old ipRanges (plain CIDR strings, still recorded), prefixListIds
and userIdGroupPairs. A description appears only where the rule has one.
Relationships: the VPC, and the network interfaces (and their instances) using the group.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from scanmonster.scan.collectors.base import (
    NOT_APPLICABLE_ZONE,
    Context,
    Item,
    collector,
    configuration_item,
    lower_first,
    relationship,
    tag_dict,
)

RESOURCE_TYPE = "AWS::EC2::SecurityGroup"
PERMISSIONS = frozenset({"ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces"})


@collector(RESOURCE_TYPE, permissions=PERMISSIONS)
def collect_security_groups(context: Context) -> list[Item]:
    ec2 = context.client("ec2")
    users = _users_by_group(ec2)
    return [
        _group_item(context, group, users.get(group["GroupId"], []))
        for page in ec2.get_paginator("describe_security_groups").paginate()
        for group in page.get("SecurityGroups", [])
    ]


def _users_by_group(ec2: Any) -> dict[str, list[dict[str, Any]]]:
    """Security group id -> its relationships to network interfaces and instances."""
    users: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for page in ec2.get_paginator("describe_network_interfaces").paginate():
        for interface in page.get("NetworkInterfaces", []):
            instance = (interface.get("Attachment") or {}).get("InstanceId")
            for group in interface.get("Groups", []):
                related = users[group["GroupId"]]
                related.append(
                    relationship(
                        "AWS::EC2::NetworkInterface",
                        interface["NetworkInterfaceId"],
                        "Is associated with NetworkInterface",
                    )
                )
                if instance and not any(r["resourceId"] == instance for r in related):
                    related.append(
                        relationship("AWS::EC2::Instance", instance, "Is associated with Instance")
                    )
    return users


def _group_item(context: Context, group: dict[str, Any], users: list[dict[str, Any]]) -> Item:
    group_id = group["GroupId"]
    vpc_id = group.get("VpcId")
    relationships = list(users)
    if vpc_id:
        relationships.append(relationship("AWS::EC2::VPC", vpc_id, "Is contained in Vpc"))
    owner = group.get("OwnerId") or context.account_id
    arn = group.get("SecurityGroupArn") or (
        f"arn:{context.partition}:ec2:{context.region}:{owner}:security-group/{group_id}"
    )
    configuration = {
        "description": group.get("Description"),
        "groupName": group.get("GroupName"),
        "ipPermissions": [_permission(p) for p in group.get("IpPermissions", [])],
        "ownerId": owner,
        "groupId": group_id,
        "ipPermissionsEgress": [_permission(p) for p in group.get("IpPermissionsEgress", [])],
        "tags": [{"key": t["Key"], "value": t.get("Value", "")} for t in group.get("Tags", [])],
        "vpcId": vpc_id,
    }
    return configuration_item(
        context,
        resource_type=RESOURCE_TYPE,
        resource_id=group_id,
        resource_name=group.get("GroupName"),
        arn=arn,
        availability_zone=NOT_APPLICABLE_ZONE,
        resource_creation_time=None,  # the EC2 API does not say when a group was created
        configuration=configuration,
        supplementary={},
        tags=tag_dict(group.get("Tags")),
        relationships=relationships,
    )


def _permission(permission: dict[str, Any]) -> dict[str, Any]:
    """One rule in Config's key order; ports only where the API gives them."""
    recorded: dict[str, Any] = {}
    if "FromPort" in permission:
        recorded["fromPort"] = permission["FromPort"]
    recorded["ipProtocol"] = permission.get("IpProtocol")
    recorded["ipv6Ranges"] = [
        _with_description({"cidrIpv6": r.get("CidrIpv6")}, r)
        for r in permission.get("Ipv6Ranges", [])
    ]
    recorded["prefixListIds"] = [
        _with_description({"prefixListId": p.get("PrefixListId")}, p)
        for p in permission.get("PrefixListIds", [])
    ]
    if "ToPort" in permission:
        recorded["toPort"] = permission["ToPort"]
    recorded["userIdGroupPairs"] = [
        {lower_first(key): value for key, value in pair.items()}
        for pair in permission.get("UserIdGroupPairs", [])
    ]
    ipv4 = permission.get("IpRanges", [])
    recorded["ipv4Ranges"] = [_with_description({"cidrIp": r.get("CidrIp")}, r) for r in ipv4]
    recorded["ipRanges"] = [r.get("CidrIp") for r in ipv4]
    return recorded


def _with_description(entry: dict[str, Any], source: dict[str, Any]) -> dict[str, Any]:
    if source.get("Description"):
        entry["description"] = source["Description"]
    return entry
