"""The one Lambda entry point shared by every check.

Each rule Lambda sets SCANMONSTER_CHECK_ID; the handler loads that check's metadata and
code only (a cold start reads one small TOML file and imports one rule module).
Failures are raised, never returned: see errors.py.
"""

from __future__ import annotations

import logging
import os
from functools import cache
from typing import Any

from botocore.exceptions import ClientError

from scanmonster.metadata import load_check
from scanmonster.registry import RULES_DIR
from scanmonster.runtime.errors import ScanMonsterError
from scanmonster.runtime.runner import CheckRunner

CHECK_ID_VARIABLE = "SCANMONSTER_CHECK_ID"

log = logging.getLogger("scanmonster")
log.setLevel(os.environ.get("LOG_LEVEL", "INFO"))


@cache
def _runner(check_id: str) -> CheckRunner:
    return CheckRunner(load_check(RULES_DIR / check_id))


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    check_id = os.environ.get(CHECK_ID_VARIABLE)
    if not check_id:
        raise ScanMonsterError(f"{CHECK_ID_VARIABLE} is not set on this function")
    try:
        outcome = _runner(check_id).handle(event)
    except ClientError as error:
        # Logged without the event: it carries the result token. Re-raised so that the
        # invocation fails, Lambda retries and AWS Config shows the rule as failed.
        operation = error.operation_name
        code = error.response.get("Error", {}).get("Code")
        log.error(
            "%s: AWS API call %s failed with %s: %s",
            check_id,
            operation,
            code,
            error.response.get("Error", {}).get("Message"),
        )
        raise
    except ScanMonsterError as error:
        log.error("%s: %s", check_id, error)
        raise
    return {
        "check": check_id,
        "messageType": outcome.event.message_type,
        "evaluations": len(outcome.evaluations),
    }
