"""Errors of the findings runtime. Like the rule runtime (scanmonster/runtime/errors.py),
failures are raised, never returned: the invocation fails, EventBridge retries it and the
dead-letter queue keeps the event, instead of a "successful" run that lost work."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from botocore.exceptions import ClientError

from scanmonster.acceptance import AcceptanceError
from scanmonster.runtime.errors import ScanMonsterError

_SHOWN = 10


class SettingsError(ScanMonsterError):
    """An environment variable of the findings functions is missing or malformed."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


def _ids(ids: Sequence[str]) -> str:
    more = f" and {len(ids) - _SHOWN} more" if len(ids) > _SHOWN else ""
    return ", ".join(ids[:_SHOWN]) + more


class DeliveryError(ScanMonsterError):
    """Some findings were not updated or some notifications not published, after every
    batch was attempted and refusals were retried. Names the count and the finding ids."""

    def __init__(self, unprocessed: Sequence[str], unpublished: Sequence[str]) -> None:
        parts = []
        if unprocessed:
            parts.append(
                f"Security Hub did not update {len(unprocessed)} finding(s): {_ids(unprocessed)}"
            )
        if unpublished:
            parts.append(
                f"{len(unpublished)} notification(s) were not published: {_ids(unpublished)}"
            )
        super().__init__("; ".join(parts))
        self.unprocessed = list(unprocessed)
        self.unpublished = list(unpublished)


@contextmanager
def failures_logged(log: logging.Logger, name: str) -> Iterator[None]:
    """Log a failure of the function `name` in one line (its type and message carry ids
    and counts, never findings) and let it propagate."""
    try:
        yield
    except ClientError as error:
        log.error(
            "%s: AWS API call %s failed with %s",
            name,
            error.operation_name,
            error.response.get("Error", {}).get("Code"),
        )
        raise
    except (ScanMonsterError, AcceptanceError) as error:
        log.error("%s: %s", name, error)
        raise
