"""Which accounts a scan reaches, and with which credentials.

One account: the current credentials (or a profile). Several: from the management or the
security account, the organization's active accounts (or the ones given), each through a
named role assumed once (`--role`, e.g. a read-only role the team deploys for this, or
OrganizationAccountAccessRole in a lab). Workers get their own boto3 sessions built from
frozen credentials: boto3 sessions are not safe to share between threads.
"""

from __future__ import annotations

from collections.abc import Sequence

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from scanmonster.aws import BOTO_CONFIG
from scanmonster.scan.endpoints import route_s3control_to_loopback
from scanmonster.scan.model import Account
from scanmonster.scan.scanner import SessionFactory, Target, describe

ROLE_SESSION_NAME = "scanmonster-scan"


class MissingCredentialsError(Exception):
    """No usable AWS credentials: the message says what to do."""


def frozen_sessions(session: boto3.Session) -> SessionFactory:
    credentials = session.get_credentials()
    if credentials is None:
        raise MissingCredentialsError(_NO_CREDENTIALS)
    frozen = credentials.get_frozen_credentials()
    return _factory(frozen.access_key, frozen.secret_key, frozen.token)


def _factory(access_key: str, secret_key: str, token: str | None) -> SessionFactory:
    def make(region: str) -> boto3.Session:
        return route_s3control_to_loopback(
            boto3.Session(
                aws_access_key_id=access_key,
                aws_secret_access_key=secret_key,
                aws_session_token=token,
                region_name=region,
            )
        )

    return make


_NO_CREDENTIALS = (
    "No AWS credentials found. Sign in (e.g. `aws sso login --profile NAME`) and pass "
    "--profile NAME, or set AWS_PROFILE / AWS_ACCESS_KEY_ID. To try ScanMonster without AWS, "
    "run `scanmonster demo`."
)


def current_target(session: boto3.Session) -> Target:
    """The account the credentials belong to."""
    try:
        identity = session.client("sts", config=BOTO_CONFIG).get_caller_identity()
    except NoCredentialsError:
        raise MissingCredentialsError(_NO_CREDENTIALS) from None
    except (ClientError, BotoCoreError) as problem:
        raise MissingCredentialsError(
            f"The AWS credentials do not work: {describe(problem)}"
        ) from None
    return Target(Account(identity["Account"]), frozen_sessions(session))


def organization_targets(
    session: boto3.Session, role_name: str, account_ids: Sequence[str] | None = None
) -> list[Target]:
    """Every active account of the organization (or `account_ids`), reached through
    `role_name`; the caller's own account with its own credentials."""
    caller = current_target(session)
    try:
        names = organization_accounts(session)
    except (ClientError, BotoCoreError) as problem:
        if account_ids is None:
            raise MissingCredentialsError(
                f"Cannot list the organization's accounts: {describe(problem)}. Scan from the "
                "management account or a delegated administrator, or name them with --accounts."
            ) from None
        names = {}  # names are a nicety when the accounts are given
    if account_ids is None:
        account_ids = sorted(names)
    targets = []
    for account_id in account_ids:
        account = Account(account_id, names.get(account_id, ""))
        if account_id == caller.account.id:
            targets.append(Target(account, caller.sessions))
            continue
        targets.append(assumed_target(session, account, role_name))
    return targets


def organization_accounts(session: boto3.Session) -> dict[str, str]:
    """Active accounts of the organization: id -> name."""
    organizations = session.client("organizations", config=BOTO_CONFIG)
    return {
        account["Id"]: account.get("Name", "")
        for page in organizations.get_paginator("list_accounts").paginate()
        for account in page["Accounts"]
        if account.get("Status", "ACTIVE") == "ACTIVE"
    }


def assumed_target(session: boto3.Session, account: Account, role_name: str) -> Target:
    partition = session.get_partition_for_region(session.region_name or "us-east-1")
    role_arn = f"arn:{partition}:iam::{account.id}:role/{role_name}"
    try:
        credentials = session.client("sts", config=BOTO_CONFIG).assume_role(
            RoleArn=role_arn, RoleSessionName=ROLE_SESSION_NAME
        )["Credentials"]
    except (ClientError, BotoCoreError) as problem:
        # One unreachable account is reported and the others are scanned.
        return Target(account, None, f"cannot assume {role_arn}: {describe(problem)}")
    return Target(
        account,
        _factory(
            credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"]
        ),
    )
