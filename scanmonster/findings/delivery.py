"""BatchUpdateFindings done right: equal updates grouped, at most 100 findings a call,
refused findings retried, then reported.

BatchUpdateFindings applies the same values to every finding it lists, so findings are
grouped by identical request. Throttling is retried by botocore's adaptive mode (clients
are built with scanmonster.aws.BOTO_CONFIG); this module retries what the
service accepted as a call but did not apply (UnprocessedFindings), with backoff, and
returns what is still refused after every batch was attempted.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from botocore.exceptions import ClientError

MAX_PER_CALL = 100  # the BatchUpdateFindings limit
UPDATE_ATTEMPTS = 3

log = logging.getLogger(__name__)

Identifier = dict[str, str]


class _Identified(Protocol):
    @property
    def identifier(self) -> Identifier: ...


class Update(Protocol):
    """One finding's update: the enricher's plans (plan.Plan) and the one-click action's
    notes (remediation/oneclick) both are. Equal `group_key`s mean equal `request`s."""

    @property
    def finding(self) -> _Identified: ...

    @property
    def request(self) -> Mapping[str, Any]: ...

    @property
    def group_key(self) -> str: ...


def group_requests(plans: Sequence[Update]) -> list[tuple[dict[str, Any], list[Identifier]]]:
    """(request, finding identifiers) per distinct request, in first-seen order."""
    groups: dict[str, tuple[dict[str, Any], list[Identifier]]] = {}
    for plan in plans:
        groups.setdefault(plan.group_key, (dict(plan.request), []))[1].append(
            plan.finding.identifier
        )
    return list(groups.values())


def update_findings(
    securityhub: Any,
    plans: Sequence[Update],
    *,
    attempts: int = UPDATE_ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> list[str]:
    """Apply every plan; return the ids of the findings Security Hub did not update."""
    failed: list[Identifier] = []
    for request, identifiers in group_requests(plans):
        for start in range(0, len(identifiers), MAX_PER_CALL):
            failed += _update_batch(
                securityhub, request, identifiers[start : start + MAX_PER_CALL], attempts, sleep
            )
    if failed:
        log.error(
            "Security Hub did not update %d finding(s): %s",
            len(failed),
            ", ".join(i["Id"] for i in failed),
        )
    return [i["Id"] for i in failed]


def _update_batch(
    securityhub: Any,
    request: dict[str, Any],
    batch: list[Identifier],
    attempts: int,
    sleep: Callable[[float], None],
) -> list[Identifier]:
    pending = batch
    for attempt in range(1, attempts + 1):
        try:
            response = securityhub.batch_update_findings(FindingIdentifiers=pending, **request)
        except ClientError as error:
            # Not transient (botocore already retried throttling): report the batch and go
            # on with the others, so one bad batch does not leave the rest undone.
            log.error(
                "BatchUpdateFindings failed for %d finding(s) with %s",
                len(pending),
                error.response.get("Error", {}).get("Code"),
            )
            return pending
        pending = _unprocessed(pending, response.get("UnprocessedFindings") or [])
        if not pending:
            return []
        log.warning(
            "Security Hub left %d finding(s) unprocessed (attempt %d of %d): %s",
            len(pending),
            attempt,
            attempts,
            ", ".join(sorted({str(u.get("ErrorCode")) for u in response["UnprocessedFindings"]})),
        )
        if attempt < attempts:
            sleep(0.5 * 2 ** (attempt - 1))
    return pending


def _unprocessed(sent: list[Identifier], unprocessed: list[dict[str, Any]]) -> list[Identifier]:
    keys = {
        (u.get("FindingIdentifier", {}).get("Id"), u.get("FindingIdentifier", {}).get("ProductArn"))
        for u in unprocessed
    }
    refused = [i for i in sent if (i["Id"], i["ProductArn"]) in keys]
    # An entry we cannot match still means something was not applied: retry all of them.
    return refused if len(refused) >= len(unprocessed) else sent
