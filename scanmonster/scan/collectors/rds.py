"""AWS::RDS::DBInstance: one item per DB instance of the region (Aurora, Neptune and
DocumentDB instances included: AWS Config records them all as this type).

configuration keeps the keys AWS Config records, named like the API members with the first
letter lowered (dBInstanceIdentifier, dbiResourceId, iAMDatabaseAuthenticationEnabled), and
only those: newer API members (deletionProtection, ...) are left out rather than guessed
into the recorded shape. The resource id is the instance's DbiResourceId, as in Config.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scanmonster.scan.collectors.base import (
    Context,
    Item,
    collector,
    configuration_item,
    lower_first,
    relationship,
    tag_dict,
    timestamp,
)

RESOURCE_TYPE = "AWS::RDS::DBInstance"
PERMISSIONS = frozenset({"rds:DescribeDBInstances"})  # tags come with it (TagList)

# The configuration keys of a recorded DB instance, in Config's order.
CONFIGURATION_KEYS = (
    "dBInstanceIdentifier", "dBInstanceClass", "engine", "dBInstanceStatus", "masterUsername",
    "dBName", "endpoint", "allocatedStorage", "instanceCreateTime", "preferredBackupWindow",
    "backupRetentionPeriod", "dBSecurityGroups", "vpcSecurityGroups", "dBParameterGroups",
    "availabilityZone", "dBSubnetGroup", "preferredMaintenanceWindow", "pendingModifiedValues",
    "latestRestorableTime", "multiAZ", "engineVersion", "autoMinorVersionUpgrade",
    "readReplicaSourceDBInstanceIdentifier", "readReplicaDBInstanceIdentifiers",
    "readReplicaDBClusterIdentifiers", "licenseModel", "iops", "optionGroupMemberships",
    "characterSetName", "secondaryAvailabilityZone", "publiclyAccessible", "statusInfos",
    "storageType", "tdeCredentialArn", "dbInstancePort", "dBClusterIdentifier",
    "storageEncrypted", "kmsKeyId", "dbiResourceId", "cACertificateIdentifier",
    "domainMemberships", "copyTagsToSnapshot", "monitoringInterval",
    "enhancedMonitoringResourceArn", "monitoringRoleArn", "promotionTier", "dBInstanceArn",
    "timezone", "iAMDatabaseAuthenticationEnabled",
)  # fmt: skip
LIST_KEYS = frozenset(
    {
        "dBSecurityGroups",
        "vpcSecurityGroups",
        "dBParameterGroups",
        "readReplicaDBInstanceIdentifiers",
        "readReplicaDBClusterIdentifiers",
        "optionGroupMemberships",
        "statusInfos",
        "domainMemberships",
    }
)
# Nested objects Config records with a fixed set of keys, null where the API has nothing.
ENDPOINT_KEYS = ("address", "port", "hostedZoneId")
SUBNET_GROUP_KEYS = (
    "dBSubnetGroupName", "dBSubnetGroupDescription", "vpcId", "subnetGroupStatus", "subnets",
    "dBSubnetGroupArn",
)  # fmt: skip
SUBNET_KEYS = ("subnetIdentifier", "subnetAvailabilityZone", "subnetStatus")
PENDING_KEYS = (
    "dBInstanceClass", "allocatedStorage", "masterUserPassword", "port", "backupRetentionPeriod",
    "multiAZ", "engineVersion", "licenseModel", "iops", "dBInstanceIdentifier", "storageType",
    "cACertificateIdentifier", "dBSubnetGroupName",
)  # fmt: skip


@collector(RESOURCE_TYPE, permissions=PERMISSIONS)
def collect_db_instances(context: Context) -> list[Item]:
    rds = context.client("rds")
    return [
        _instance_item(context, instance)
        for page in rds.get_paginator("describe_db_instances").paginate()
        for instance in page.get("DBInstances", [])
    ]


def _instance_item(context: Context, instance: dict[str, Any]) -> Item:
    configuration = {key: _value(instance, key) for key in CONFIGURATION_KEYS}
    relationships = []
    subnet_group = (instance.get("DBSubnetGroup") or {}).get("DBSubnetGroupName")
    if subnet_group:
        relationships.append(
            relationship(
                "AWS::RDS::DBSubnetGroup", subnet_group, "Is associated with DBSubnetGroup"
            )
        )
    relationships += [
        relationship(
            "AWS::EC2::SecurityGroup",
            group["VpcSecurityGroupId"],
            "Is associated with SecurityGroup",
        )
        for group in instance.get("VpcSecurityGroups", [])
    ]
    tags = instance.get("TagList", [])
    return configuration_item(
        context,
        resource_type=RESOURCE_TYPE,
        resource_id=instance["DbiResourceId"],
        resource_name=instance.get("DBInstanceIdentifier"),
        arn=instance.get("DBInstanceArn")
        or (
            f"arn:{context.partition}:rds:{context.region}:{context.account_id}:db:"
            f"{instance.get('DBInstanceIdentifier')}"
        ),
        # Config records the instance's zone here (a Multi-AZ instance: its primary's).
        availability_zone=instance.get("AvailabilityZone") or "Multiple Availability Zones",
        resource_creation_time=timestamp(instance.get("InstanceCreateTime")),
        configuration=configuration,
        supplementary={"Tags": [{"key": t["Key"], "value": t.get("Value")} for t in tags]},
        tags=tag_dict(tags),
        relationships=relationships,
    )


def _value(instance: dict[str, Any], key: str) -> Any:
    value = instance.get(key[:1].upper() + key[1:])
    if key == "endpoint":
        return _fixed(value or {}, ENDPOINT_KEYS)
    if key == "pendingModifiedValues":
        return _fixed(value or {}, PENDING_KEYS)
    if key == "dBSubnetGroup":
        if not value:
            return None
        group = _fixed(value, SUBNET_GROUP_KEYS)
        group["subnets"] = [_fixed(s, SUBNET_KEYS) for s in value.get("Subnets", [])]
        return group
    if value is None and key in LIST_KEYS:
        return []
    return _recorded(value)


def _fixed(api: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: _recorded(api.get(key[:1].upper() + key[1:])) for key in keys}


def _recorded(value: Any) -> Any:
    """API values as Config records them: lowered member names, Config's time format."""
    if isinstance(value, dict):
        return {lower_first(k): _recorded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_recorded(v) for v in value]
    if isinstance(value, datetime):
        return timestamp(value)
    return value
