"""What every collector shares: the registry, the collection context and the item frame.

A collector lists the resources of one AWS Config resource type in one account and region
and returns them as configuration items in the invoking-event dialect, with the keys,
casing and value types AWS Config itself records (tests/fixtures/config_items/ are the
reference). A check must never be able to tell a collected item from a recorded one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError, UnknownRegionError

from scanmonster.metadata import PERMISSION, READ_VERBS
from scanmonster.runtime.clients import ClientFactory
from scanmonster.runtime.errors import ScanMonsterError

Item = dict[str, Any]

# What AWS Config writes for these fields in every item it records today.
ITEM_VERSION = "1.3"
NOT_APPLICABLE_ZONE = "Not Applicable"
# Config items carry a "relatedEvents" list of CloudTrail event ids; a scan has none.


class NoCollectorError(ScanMonsterError, LookupError):
    """No collector builds items of this resource type."""


@dataclass(frozen=True)
class Context:
    """One collection: whose resources, where, and the moment the items are captured."""

    clients: ClientFactory
    account_id: str
    region: str
    captured_at: datetime

    def client(self, service: str) -> Any:
        return self.clients.build_client(service, self.region)

    @property
    def partition(self) -> str:
        """aws, aws-cn or aws-us-gov: ARNs we build must name the region's partition."""
        session = getattr(self.clients, "session", None)
        if session is not None:
            try:
                return session.get_partition_for_region(self.region)
            except UnknownRegionError:  # a region newer than botocore: commercial
                return "aws"
        return "aws"


CollectFunction = Callable[[Context], list[Item]]


@dataclass(frozen=True)
class Collector:
    resource_type: str
    collect: CollectFunction
    # IAM actions the collector calls (not API operation names: s3:ListAllMyBuckets, not
    # ListBuckets), so that a read-only scanning role can be written and tested from them.
    permissions: frozenset[str]


COLLECTORS: dict[str, Collector] = {}


def collector(
    resource_type: str, *, permissions: Iterable[str]
) -> Callable[[CollectFunction], CollectFunction]:
    """Register the decorated function as THE collector of `resource_type`."""
    actions = frozenset(permissions)
    for action in actions:
        match = PERMISSION.match(action)
        # A scan only reads: a collector that writes would be a bug, and a role that
        # allows it a risk.
        if not match or not match.group(2).startswith(READ_VERBS):
            raise ValueError(f"{resource_type}: '{action}' is not a read-only IAM action")

    def register(function: CollectFunction) -> CollectFunction:
        if resource_type in COLLECTORS:
            raise ValueError(f"two collectors for {resource_type}")
        COLLECTORS[resource_type] = Collector(resource_type, function, actions)
        return function

    return register


def configuration_item(
    context: Context,
    *,
    resource_type: str,
    resource_id: str,
    resource_name: str | None,
    arn: str,
    availability_zone: str,
    resource_creation_time: str | None,
    configuration: dict[str, Any],
    supplementary: dict[str, Any],
    tags: dict[str, str],
    relationships: list[dict[str, Any]] | None = None,
    region: str | None = None,
    has_name: bool = True,
) -> Item:
    """An item in the invoking-event dialect, keys in the order AWS Config writes them.

    `has_name=False` leaves out resourceName: AWS Config records none for some types
    (KMS keys), rather than a null one.
    """
    captured = timestamp(context.captured_at)
    item: Item = {
        "relatedEvents": [],
        "relationships": relationships or [],
        "configuration": configuration,
        "supplementaryConfiguration": supplementary,
        "tags": tags,
        "configurationItemVersion": ITEM_VERSION,
        "configurationItemCaptureTime": captured,
        "configurationStateId": epoch_millis(context.captured_at),
        "awsAccountId": context.account_id,
        "configurationItemStatus": "OK",
        "resourceType": resource_type,
        "resourceId": resource_id,
        "resourceName": resource_name,
        "ARN": arn,
        "awsRegion": region or context.region,
        "availabilityZone": availability_zone,
        "configurationStateMd5Hash": "",
        "resourceCreationTime": resource_creation_time,
    }
    if not has_name:
        del item["resourceName"]
    return item


def relationship(
    resource_type: str, resource_id: str, name: str, resource_name: Any = None
) -> dict:
    """A relationship as invoking events carry it (`name`, not the API's relationshipName)."""
    return {
        "resourceId": resource_id,
        "resourceName": resource_name,
        "resourceType": resource_type,
        "name": name,
    }


def timestamp(value: datetime | None) -> str | None:
    """AWS Config's time format: UTC, milliseconds, "Z" (2026-11-20T08:15:42.120Z)."""
    if value is None:
        return None
    if value.tzinfo is None:  # botocore parses with a zone; a naive time would be UTC
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def epoch_millis(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def tag_dict(tags: Iterable[dict[str, Any]] | None, key: str = "Key", value: str = "Value") -> dict:
    """API tag lists ([{Key, Value}]) as the item's top-level `tags` map."""
    return {tag[key]: tag.get(value, "") for tag in tags or []}


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def lower_first(name: str) -> str:
    """AWS Config's casing of API member names: DBInstanceIdentifier -> dBInstanceIdentifier."""
    return name[:1].lower() + name[1:]
