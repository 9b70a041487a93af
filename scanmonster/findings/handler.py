"""Lambda entry points of the findings functions (security account, aggregation region).

- `enrich_handler`: target of the EventBridge rule on "Security Hub Findings - Imported"
  (pattern: scanmonster.findings.events.imported_findings_pattern);
- `sweep_handler`: scheduled daily.

Settings, the registry and the clients are built once per cold start; the acceptances file
is read on every invocation with that day's date (a warm function outlives midnight).
Failures are logged without finding contents and raised: the invocation fails, EventBridge
retries it and the dead-letter queue keeps the event.
"""

from __future__ import annotations

import datetime
import logging
import os
from functools import cache
from typing import Any

import boto3

from scanmonster.acceptance import ACCEPTANCES_FILE
from scanmonster.aws import BOTO_CONFIG
from scanmonster.findings.acceptances import load_deployed_acceptances
from scanmonster.findings.errors import failures_logged
from scanmonster.findings.events import findings_of
from scanmonster.findings.process import Runtime, enrich, sweep
from scanmonster.findings.settings import Settings, load_settings
from scanmonster.registry import Registry, load_registry

log = logging.getLogger("scanmonster")
log.setLevel(os.environ.get("LOG_LEVEL", "INFO"))


@cache
def _settings() -> Settings:
    return load_settings(os.environ)


@cache
def _registry() -> Registry:
    return load_registry()


@cache
def _clients() -> tuple[Any, Any | None]:
    """Security Hub in the function's own region (the aggregation region, where findings of
    every linked region can be updated); SNS in the topic's region."""
    session = boto3.Session()
    securityhub = session.client(
        "securityhub",
        region_name=session.region_name or os.environ.get("AWS_REGION"),
        config=BOTO_CONFIG,
    )
    topic_arn = _settings().topic_arn
    sns = (
        session.client("sns", region_name=topic_arn.split(":")[3], config=BOTO_CONFIG)
        if topic_arn
        else None
    )
    return securityhub, sns


def _today() -> datetime.date:
    return datetime.datetime.now(datetime.UTC).date()


def _runtime() -> Runtime:
    settings, registry, today = _settings(), _registry(), _today()
    securityhub, sns = _clients()
    return Runtime(
        settings=settings,
        registry=registry,
        acceptances=load_deployed_acceptances(ACCEPTANCES_FILE, registry, today=today),
        securityhub=securityhub,
        sns=sns,
        today=today,
    )


def enrich_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    with failures_logged(log, "enrich"):
        return enrich(findings_of(event), _runtime()).as_dict()


def sweep_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    with failures_logged(log, "sweep"):
        return sweep(_runtime()).as_dict()
