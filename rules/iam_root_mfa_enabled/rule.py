"""The root user has MFA turned on (FSBP IAM.9, CIS 1.5).

IAM's account summary (GetAccountSummary) reports AccountMFAEnabled and
AccountPasswordPresent as 0/1 for the root user.

Given AccountMFAEnabled 1                                  -> COMPLIANT
Given AccountMFAEnabled 0 and AccountPasswordPresent 1      -> NON_COMPLIANT
Given AccountMFAEnabled 0 and no AccountPasswordPresent     -> NON_COMPLIANT (assume a password)
Given AccountMFAEnabled 0 and AccountPasswordPresent 0      -> NOT_APPLICABLE: no console
      sign-in to protect (e.g. root credentials removed by centralized root access in AWS
      Organizations); AWS Config's root-account-mfa-enabled does the same
Given no AccountMFAEnabled value at all                     -> NON_COMPLIANT (cannot confirm)
Given IAM refuses the call (e.g. AccessDenied)                   -> the error propagates
"""

from __future__ import annotations

from typing import Any

from scanmonster.runtime.config_item import as_int
from scanmonster.runtime.rule import CheckRule, Evaluation, compliant, non_compliant, not_applicable


class Rule(CheckRule):
    def evaluate_periodic(
        self, event: dict[str, Any], client_factory: Any, valid_rule_parameters: dict[str, Any]
    ) -> list[Evaluation]:
        summary = client_factory.build_client("iam").get_account_summary()["SummaryMap"]
        mfa = as_int(summary.get("AccountMFAEnabled"))
        if mfa is not None and mfa > 0:
            return [compliant("The root user of this account has MFA turned on.")]
        # Only an explicit 0 means "no password": a missing key must not hide a finding.
        if as_int(summary.get("AccountPasswordPresent")) == 0:
            return [
                not_applicable(
                    "The root user of this account has no password (for example, removed by "
                    "centralized root access in AWS Organizations), so it cannot sign in to "
                    "the console and MFA does not apply."
                )
            ]
        if mfa is None:
            return [
                non_compliant(
                    "IAM did not report whether the root user of this account has MFA: "
                    "check it by hand in the root user's security credentials."
                )
            ]
        return [
            non_compliant(
                "The root user of this account has no MFA: anyone who learns its password "
                "can sign in with full control of the account."
            )
        ]
