"""Run the checks locally: every selected check, in every account and region, in-process.

The same rule code and runtime as the deployed Lambdas (CheckRunner): account-level checks
get a scheduled event and read through the client factory; resource checks get one change
event per configuration item, taken from AWS Config where it records the type and built by
the collectors otherwise. Nothing is sent to AWS Config (evaluate, not handle).

Accounts and regions run in parallel with a bounded pool. Whatever fails stays where it
failed: a role that cannot be assumed, AccessDenied or a service missing in a region
becomes an ERROR result for that account, region and check, and the scan goes on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from scanmonster.metadata import Check
from scanmonster.runtime.clients import ClientFactory
from scanmonster.runtime.errors import ScanMonsterError
from scanmonster.runtime.events import build_change_event, build_scheduled_event
from scanmonster.runtime.runner import CheckRunner
from scanmonster.scan import collectors
from scanmonster.scan.model import ERROR, Account, Result, ScanReport

log = logging.getLogger(__name__)

DEFAULT_WORKERS = 4
# Account-wide (IAM, account settings) checks run once per account, in this region when it
# is scanned (IAM's home), otherwise in the first region given.
PREFERRED_GLOBAL_REGION = "us-east-1"

SessionFactory = Callable[[str], boto3.Session]  # region -> a session for one worker


@dataclass(frozen=True)
class Target:
    """An account to scan, and how to get credentials for it (or why not)."""

    account: Account
    sessions: SessionFactory | None
    problem: str = ""  # set when the account cannot be reached (e.g. AssumeRole denied)


def now_text() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def global_region(regions: Sequence[str]) -> str:
    return PREFERRED_GLOBAL_REGION if PREFERRED_GLOBAL_REGION in regions else regions[0]


class Scanner:
    def __init__(
        self,
        checks: Sequence[Check],
        regions: Sequence[str],
        *,
        workers: int = DEFAULT_WORKERS,
        on_progress: Callable[[str], None] | None = None,
    ) -> None:
        if not regions:
            raise ValueError("at least one region is needed")
        self.checks = list(checks)
        self.regions = list(regions)
        self.global_region = global_region(self.regions)
        self.workers = max(1, workers)
        self.on_progress = on_progress or (lambda label: None)
        self._lock = threading.Lock()

    def jobs(self, targets: Sequence[Target]) -> list[tuple[Target, str]]:
        return [(t, r) for t in targets for r in self.regions]

    def scan(self, targets: Sequence[Target]) -> ScanReport:
        report = ScanReport(
            accounts=[t.account for t in targets],
            regions=self.regions,
            check_ids=[c.id for c in self.checks],
            started_at=now_text(),
        )
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            futures = {pool.submit(self.scan_region, t, r): (t, r) for t, r in self.jobs(targets)}
            for future in as_completed(futures):
                target, region = futures[future]
                results = future.result()  # scan_region never raises: failures are results
                with self._lock:
                    report.results.extend(results)
                self.on_progress(f"{target.account.id} {region}")
        report.results.sort(key=lambda r: (r.account_id, r.region, r.check_id, r.resource_id))
        report.finished_at = now_text()
        return report

    def checks_for(self, region: str) -> list[Check]:
        return [c for c in self.checks if c.scope == "regional" or region == self.global_region]

    def scan_region(self, target: Target, region: str) -> list[Result]:
        checks = self.checks_for(region)
        account_id = target.account.id
        if target.sessions is None:
            return [error(account_id, region, c, target.problem) for c in checks]
        try:
            factory = ClientFactory(session=target.sessions(region), region=region)
        except (BotoCoreError, ClientError) as problem:
            return [error(account_id, region, c, describe(problem)) for c in checks]
        items = ItemSource(factory, account_id, region)
        results: list[Result] = []
        for check in checks:
            try:
                results += self.run_check(check, factory, items, account_id, region)
            except (ClientError, BotoCoreError, ScanMonsterError) as problem:
                log.info("%s %s %s: %s", account_id, region, check.id, describe(problem))
                results.append(error(account_id, region, check, describe(problem)))
        return results

    def run_check(
        self, check: Check, factory: ClientFactory, items: ItemSource, account_id: str, region: str
    ) -> list[Result]:
        runner = CheckRunner(check, client_factory=factory)
        observed = now_text()
        if check.periodic_frequency:
            # Account-level checks, and checks that also sweep periodically (IAM users):
            # the periodic path reaches every resource in one go.
            event = build_scheduled_event(account_id=account_id, notification_time=observed)
            evaluations = runner.evaluate(event).evaluations
        else:
            evaluations = []
            for item in items.get(check.resource_types):
                evaluations += runner.evaluate(build_change_event(item)).evaluations
        return [
            Result(
                account_id=account_id,
                region=region,
                check_id=check.id,
                resource_type=e["ComplianceResourceType"],
                resource_id=e["ComplianceResourceId"],
                compliance=e["ComplianceType"],
                annotation=e.get("Annotation", ""),
                observed_at=observed,
            )
            for e in evaluations
        ]


class ItemSource:
    """Configuration items of one account and region, each resource type read once:
    from AWS Config where it records the type, otherwise from the collectors."""

    def __init__(self, factory: ClientFactory, account_id: str, region: str) -> None:
        self.factory, self.account_id, self.region = factory, account_id, region
        self._items: dict[str, list[dict[str, Any]]] = {}

    def get(self, resource_types: Iterable[str]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for resource_type in resource_types:
            if resource_type not in self._items:
                self._items[resource_type] = self._read(resource_type)
            found += self._items[resource_type]
        return found

    def _read(self, resource_type: str) -> list[dict[str, Any]]:
        recorded = collectors.config_items(
            resource_type, self.factory, account_id=self.account_id, region=self.region
        )
        if recorded is not None:
            return recorded
        return collectors.collect(
            resource_type, self.factory, account_id=self.account_id, region=self.region
        )


def error(account_id: str, region: str, check: Check, message: str) -> Result:
    return Result(
        account_id=account_id,
        region=region,
        check_id=check.id,
        resource_type="",
        resource_id="",
        compliance=ERROR,
        annotation=message or "the check could not run",
        observed_at=now_text(),
    )


def describe(problem: BaseException) -> str:
    """A short, secret-free reason: the error code and message, never credentials."""
    if isinstance(problem, ClientError):
        details = problem.response.get("Error", {})
        return (
            f"{details.get('Code', 'Error')} calling {problem.operation_name}: "
            f"{details.get('Message', '')}".strip()
        )
    return f"{type(problem).__name__}: {problem}"
