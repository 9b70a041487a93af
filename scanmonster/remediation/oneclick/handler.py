"""Lambda entry point of the one-click action (security account, aggregation Region):
target of the EventBridge rule on the "ScanMonster fix" custom action
(pattern: scanmonster.remediation.oneclick.events.custom_action_pattern).

Settings, the registry and the function's own clients are built once per cold start.
Failures are logged in one line without finding contents and raised. A retry of the event
would start the fixes that did start a second time, so the function is meant to run with
no asynchronous retries (a person clicks again, after reading the note).
"""

from __future__ import annotations

import datetime
import logging
import os
from collections.abc import Mapping
from functools import cache
from typing import Any

import boto3

from scanmonster.aws import BOTO_CONFIG
from scanmonster.findings.errors import failures_logged
from scanmonster.registry import Registry, load_registry
from scanmonster.remediation.oneclick.events import findings_of
from scanmonster.remediation.oneclick.process import Runtime, fix
from scanmonster.remediation.oneclick.settings import OneClickSettings, load_settings

log = logging.getLogger("scanmonster")
log.setLevel(os.environ.get("LOG_LEVEL", "INFO"))


@cache
def _settings() -> OneClickSettings:
    return load_settings(os.environ)


@cache
def _registry() -> Registry:
    return load_registry()


@cache
def _clients() -> tuple[Any, Any]:
    """STS and Security Hub with the function's own role, in its own Region (Security Hub:
    the aggregation Region, where findings of every linked Region can be updated)."""
    session = boto3.Session()
    region = session.region_name or os.environ.get("AWS_REGION")
    return (
        session.client("sts", region_name=region, config=BOTO_CONFIG),
        session.client("securityhub", region_name=region, config=BOTO_CONFIG),
    )


def _member_config(credentials: Mapping[str, str], region: str) -> Any:
    """AWS Config in a member account's Region, with the assumed starter role."""
    return boto3.client(
        "config",
        region_name=region,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        config=BOTO_CONFIG,
    )


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _runtime() -> Runtime:
    sts, securityhub = _clients()
    return Runtime(
        settings=_settings(),
        registry=_registry(),
        sts=sts,
        securityhub=securityhub,
        member_config=_member_config,
        now=_now,
    )


def one_click_handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    with failures_logged(log, "one-click"):
        return fix(findings_of(event), _runtime()).as_dict()
