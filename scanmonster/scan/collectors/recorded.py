"""Configuration items from AWS Config itself, where a recorder records the type.

ListDiscoveredResources names the resources Config knows, BatchGetResourceConfig returns
their current items in the API dialect (JSON strings, `arn`, `accountId`), and
`normalize_configuration_item` turns them into the invoking-event dialect the checks get.
`None` means "Config does not record this type here": the scanner then collects instead.

BatchGetResourceConfig returns base items: no relationships and no tags (they come out as
[] and {}). No check reads either; the collectors fill both.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from scanmonster.runtime.clients import ClientFactory
from scanmonster.runtime.config_item import GONE_STATUSES, normalize_configuration_item
from scanmonster.runtime.errors import ScanMonsterError
from scanmonster.scan.collectors.base import Item, error_code

log = logging.getLogger(__name__)

CONFIG_PERMISSIONS = frozenset(
    {
        "config:DescribeConfigurationRecorders",
        "config:DescribeConfigurationRecorderStatus",
        "config:ListDiscoveredResources",
        "config:BatchGetResourceConfig",
    }
)
# Recorded only where includeGlobalResourceTypes says so (ALL_SUPPORTED strategy), or
# when listed (INCLUSION) or not excluded (EXCLUSION).
GLOBAL_TYPES = frozenset(
    {"AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::Role", "AWS::IAM::Policy"}
)
BATCH_SIZE = 100  # BatchGetResourceConfig accepts at most 100 keys a call
UNPROCESSED_ATTEMPTS = 5  # throttled keys come back as unprocessedResourceKeys
_NO_ACCESS = ("AccessDenied", "AccessDeniedException")


class IncompleteConfigReadError(ScanMonsterError):
    """AWS Config kept some items back (unprocessedResourceKeys) after every retry."""


def config_items(
    resource_type: str, clients: ClientFactory, *, account_id: str, region: str
) -> list[Item] | None:
    """The items AWS Config holds for `resource_type` in this region, or None when no
    running recorder records the type here (or Config may not be asked)."""
    config = clients.build_client("config", region)
    if not records(config, resource_type):
        return None
    keys = [
        {"resourceType": found["resourceType"], "resourceId": found["resourceId"]}
        for page in config.get_paginator("list_discovered_resources").paginate(
            resourceType=resource_type
        )
        for found in page.get("resourceIdentifiers", [])
    ]
    items: list[Item] = []
    for start in range(0, len(keys), BATCH_SIZE):
        items += _batch_get(config, keys[start : start + BATCH_SIZE])
    normalized = []
    for item in items:
        # A resource deleted between the two calls no longer exists: nothing to scan.
        if item.get("configurationItemStatus") in GONE_STATUSES:
            continue
        event_item = normalize_configuration_item(item)
        event_item["awsAccountId"] = event_item.get("awsAccountId") or account_id
        normalized.append(event_item)
    return normalized


def records(config: Any, resource_type: str) -> bool:
    """True when a recorder that is recording covers `resource_type` in this region."""
    try:
        recorders = config.describe_configuration_recorders().get("ConfigurationRecorders", [])
        statuses = config.describe_configuration_recorder_status().get(
            "ConfigurationRecordersStatus", []
        )
    except ClientError as error:
        if error_code(error) not in _NO_ACCESS:
            raise
        # Without leave to read Config, the collectors build the same items from the
        # service APIs: the scan loses nothing, so this is not an error.
        log.info("AWS Config may not be read here (%s); collecting instead", error_code(error))
        return False
    recording = {s.get("name") for s in statuses if s.get("recording")}
    return any(
        r.get("name") in recording and covers(r.get("recordingGroup") or {}, resource_type)
        for r in recorders
    )


def covers(group: dict[str, Any], resource_type: str) -> bool:
    """Whether a RecordingGroup records the type (see the RecordingGroup API reference)."""
    strategy = (group.get("recordingStrategy") or {}).get("useOnly")
    if strategy == "EXCLUSION_BY_RESOURCE_TYPES":
        excluded = (group.get("exclusionByResourceTypes") or {}).get("resourceTypes") or []
        return resource_type not in excluded
    if strategy == "INCLUSION_BY_RESOURCE_TYPES" or (
        strategy is None and group.get("allSupported") is False
    ):
        return resource_type in (group.get("resourceTypes") or [])
    # ALL_SUPPORTED_RESOURCE_TYPES, the default: global IAM types only when asked for.
    return resource_type not in GLOBAL_TYPES or group.get("includeGlobalResourceTypes") is True


def _batch_get(config: Any, keys: list[dict[str, str]]) -> Iterator[dict[str, Any]]:
    pending = keys
    for _ in range(UNPROCESSED_ATTEMPTS):
        response = config.batch_get_resource_config(resourceKeys=pending)
        yield from response.get("baseConfigurationItems", [])
        pending = response.get("unprocessedResourceKeys") or []
        if not pending:
            return
    raise IncompleteConfigReadError(
        f"AWS Config did not return {len(pending)} configuration item(s) "
        f"(e.g. {pending[0].get('resourceType')} {pending[0].get('resourceId')})"
    )
