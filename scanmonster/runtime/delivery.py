"""PutEvaluations done right: chunks of 100, FailedEvaluations retried, then raised.

rdklib sends chunks but ignores the response, so evaluations AWS Config refused are lost
silently. Throttling is retried by botocore's adaptive mode (see clients.py); this module
retries what the service accepted as a call but refused evaluation by evaluation.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from scanmonster.runtime.errors import EvaluationDeliveryError

MAX_PER_CALL = 100  # the PutEvaluations limit
DELIVERY_ATTEMPTS = 3

log = logging.getLogger(__name__)


def put_evaluations(
    config_client: Any,
    evaluations: Sequence[dict[str, Any]],
    result_token: str,
    *,
    attempts: int = DELIVERY_ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Deliver every evaluation or raise EvaluationDeliveryError naming the refused ones."""
    test_mode = result_token == "TESTMODE"
    refused: list[dict[str, Any]] = []
    for start in range(0, len(evaluations), MAX_PER_CALL):
        pending = list(evaluations[start : start + MAX_PER_CALL])
        for attempt in range(1, attempts + 1):
            response = config_client.put_evaluations(
                Evaluations=pending, ResultToken=result_token, TestMode=test_mode
            )
            pending = _refused(pending, response.get("FailedEvaluations") or [])
            if not pending:
                break
            log.warning(
                "AWS Config refused %d evaluation(s) (attempt %d of %d)",
                len(pending),
                attempt,
                attempts,
            )
            if attempt < attempts:
                sleep(0.5 * 2 ** (attempt - 1))
        refused.extend(pending)
    if refused:
        raise EvaluationDeliveryError(refused)


def _refused(sent: list[dict[str, Any]], failed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The evaluations we sent that the response lists as failed."""
    keys = {(f.get("ComplianceResourceType"), f.get("ComplianceResourceId")) for f in failed}
    refused = [e for e in sent if (e["ComplianceResourceType"], e["ComplianceResourceId"]) in keys]
    # A failed entry we cannot match still means something was lost: retry all of them.
    return refused if len(refused) >= len(failed) else sent
