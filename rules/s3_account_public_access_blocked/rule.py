"""Account-level S3 Block Public Access has all four settings on (FSBP S3.1).

Read with S3 Control GetPublicAccessBlock for the account the event names (accountId).

Given all four settings true                              -> COMPLIANT
Given any setting false or missing from the answer        -> NON_COMPLIANT, naming the settings off
Given no account-level configuration at all
      (NoSuchPublicAccessBlockConfiguration)              -> NON_COMPLIANT
Given S3 refuses the call (AccessDenied)                  -> the error propagates
There is no NOT_APPLICABLE: every account can create buckets.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from scanmonster.runtime.config_item import as_bool
from scanmonster.runtime.errors import InvalidEventError
from scanmonster.runtime.rule import CheckRule, Evaluation, compliant, non_compliant

SETTINGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


class Rule(CheckRule):
    def evaluate_periodic(
        self, event: dict[str, Any], client_factory: Any, valid_rule_parameters: dict[str, Any]
    ) -> list[Evaluation]:
        account_id = event.get("accountId")
        if not isinstance(account_id, str) or not account_id:
            raise InvalidEventError("'accountId' is missing: the account to check is unknown")
        s3control = client_factory.build_client("s3control")
        try:
            block = s3control.get_public_access_block(AccountId=account_id)
        except ClientError as error:
            if (
                error.response.get("Error", {}).get("Code")
                != "NoSuchPublicAccessBlockConfiguration"
            ):
                raise
            return [
                non_compliant(
                    f"Account {account_id} has no account-level S3 Block Public Access: "
                    "turn on all four settings."
                )
            ]
        settings = block.get("PublicAccessBlockConfiguration") or {}
        off = [s for s in SETTINGS if as_bool(settings.get(s)) is not True]
        if off:
            return [
                non_compliant(
                    f"Account {account_id} has account-level S3 Block Public Access off for: "
                    f"{', '.join(off)}."
                )
            ]
        return [
            compliant(
                f"Account {account_id} blocks public access to all its S3 buckets with all four "
                "account-level settings."
            )
        ]
