"""One shape of configuration item for every check, whatever AWS Config delivered.

AWS Config speaks two dialects: invoking events (`ARN`, `awsAccountId`,
`configurationItemVersion`, relationships with `name`) and the history / batch / select
APIs (`arn`, `accountId`, `version`, `relationshipName`, `configuration` and every
`supplementaryConfiguration` value as a JSON string, some encoded twice). A check must
never care which one it got, so the runner turns both into the invoking-event dialect
with decoded values before the check sees the item.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

# Statuses for which a resource no longer exists or is no longer recorded.
GONE_STATUSES = ("ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded")

# API-dialect key -> invoking-event-dialect key.
_RENAMES = {
    "arn": "ARN",
    "accountId": "awsAccountId",
    "version": "configurationItemVersion",
    "configurationItemMD5Hash": "configurationStateMd5Hash",
}


def decode_json_value(value: Any) -> Any:
    """Decode a value that may be JSON text, possibly encoded more than once.

    Only text that looks like a JSON object, array, boolean or null is decoded: a plain
    string such as "Enabled" or "123" stays a string.
    """
    for _ in range(3):  # encoded twice at most in real recordings; a bound, not a loop
        if not isinstance(value, str):
            return value
        text = value.strip()
        if not (text[:1] in ("{", "[", '"') or text in ("true", "false", "null")):
            return value
        try:
            value = json.loads(text)
        except ValueError:
            return value
    return value


def normalize_configuration_item(item: dict[str, Any]) -> dict[str, Any]:
    """Return the item in the invoking-event dialect with JSON strings decoded."""
    if not isinstance(item, dict):
        raise TypeError(f"a configuration item must be an object, got {type(item).__name__}")
    normalized = {_RENAMES.get(key, key): value for key, value in item.items()}
    for api_key, event_key in _RENAMES.items():
        # Where both spellings are present, the event spelling wins; fill it if missing.
        if normalized.get(event_key) is None and item.get(api_key) is not None:
            normalized[event_key] = item[api_key]

    configuration = decode_json_value(normalized.get("configuration"))
    normalized["configuration"] = configuration if isinstance(configuration, dict) else None

    supplementary = decode_json_value(normalized.get("supplementaryConfiguration")) or {}
    if not isinstance(supplementary, dict):
        supplementary = {}
    normalized["supplementaryConfiguration"] = {
        key: decode_json_value(value) for key, value in supplementary.items()
    }
    relationships = normalized.get("relationships")
    normalized["relationships"] = (
        [_normalize_relationship(r) for r in relationships if isinstance(r, dict)]
        if isinstance(relationships, list)
        else []
    )
    for key in ("configurationItemCaptureTime", "resourceCreationTime"):
        normalized[key] = _timestamp_text(normalized.get(key))
    tags = normalized.get("tags")
    normalized["tags"] = tags if isinstance(tags, dict) else {}
    return normalized


def _normalize_relationship(relationship: dict[str, Any]) -> dict[str, Any]:
    normalized = dict(relationship)
    if "name" not in normalized and "relationshipName" in normalized:
        normalized["name"] = normalized.pop("relationshipName")
    return normalized


def _timestamp_text(value: Any) -> Any:
    """ISO 8601 text for datetimes (boto3) and epoch numbers (select results)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 10**11 else value  # epoch milliseconds
        return datetime.fromtimestamp(seconds, tz=UTC).isoformat()
    return value


def as_bool(value: Any) -> bool | None:
    """True/False from a JSON boolean or its string form ("true", "False"); else None."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def as_int(value: Any) -> int | None:
    """An integer from int, integral float (select results give 22.0) or numeric text."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        try:
            return as_int(float(value))
        except ValueError:
            return None
    return None
