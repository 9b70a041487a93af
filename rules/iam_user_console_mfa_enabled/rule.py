"""IAM users with a console password have an MFA device (IAM.5).

IAM user configuration items carry neither the console password (login profile) nor the
MFA devices, so both paths ask IAM: GetLoginProfile, then ListMFADevices. The change
path evaluates the changed user; the daily sweep evaluates every user from ListUsers
(paginated), because enabling MFA or a password does not change the configuration item.
Each sweep verdict names the user by its UserId, the AWS Config resource id of an IAM user.

Given a user with a console password and an MFA device      -> COMPLIANT
Given a user with a console password and no MFA device      -> NON_COMPLIANT, naming the user
Given a user without a console password (NoSuchEntity)      -> NOT_APPLICABLE
Given a user that no longer exists (NoSuchEntity)           -> NOT_APPLICABLE
Given the daily sweep over many users (several pages)       -> one verdict per user, by UserId
Given an account with no IAM users                          -> no verdicts
Given an item that names no user                            -> NOT_APPLICABLE
Given any other error (AccessDenied, throttling)            -> raised: the invocation fails
Given a deleted user                                        -> NOT_APPLICABLE (runtime)
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from scanmonster.runtime.rule import (
    CheckRule,
    Evaluation,
    compliant,
    non_compliant,
    not_applicable,
)

RESOURCE_TYPE = "AWS::IAM::User"


class Rule(CheckRule):
    def evaluate_change(
        self,
        event: dict[str, Any],
        client_factory: Any,
        configuration_item: dict[str, Any],
        valid_rule_parameters: dict[str, Any],
    ) -> list[Evaluation]:
        configuration = configuration_item.get("configuration") or {}
        user_name = configuration.get("userName") or configuration_item.get("resourceName")
        if not isinstance(user_name, str) or not user_name:
            return [not_applicable("The configuration item names no IAM user to check.")]
        # The runtime fills in the item's resource id and type.
        return [evaluate_user(client_factory.build_client("iam"), user_name)]

    def evaluate_periodic(
        self, event: dict[str, Any], client_factory: Any, valid_rule_parameters: dict[str, Any]
    ) -> list[Evaluation]:
        iam = client_factory.build_client("iam")
        return [
            evaluate_user(iam, user["UserName"], resource_id=user["UserId"])
            for page in iam.get_paginator("list_users").paginate()
            for user in page["Users"]
        ]


def evaluate_user(iam: Any, user_name: str, *, resource_id: str | None = None) -> Evaluation:
    """The verdict on one user; resource_id is set by the sweep, left to the runtime otherwise."""
    where = {"resource_id": resource_id, "resource_type": RESOURCE_TYPE if resource_id else None}
    try:
        iam.get_login_profile(UserName=user_name)
        devices = iam.list_mfa_devices(UserName=user_name)["MFADevices"]
    except ClientError as error:
        # No login profile, or the user is gone: nobody can sign in to the console as it.
        # Every other error propagates, so the invocation fails and is retried.
        if error.response.get("Error", {}).get("Code") != "NoSuchEntity":
            raise
        return not_applicable(
            f"IAM user {user_name} has no console password, so it cannot sign in to the console.",
            **where,
        )
    if devices:
        return compliant(
            f"IAM user {user_name} can sign in to the console and has an MFA device.", **where
        )
    return non_compliant(
        f"IAM user {user_name} can sign in to the AWS console with only a password: "
        "it has no MFA device.",
        **where,
    )
