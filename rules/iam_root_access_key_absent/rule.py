"""The root user has no access keys (FSBP IAM.4, CIS 1.4).

IAM's account summary (GetAccountSummary) reports AccountAccessKeysPresent as 0/1 for the
root user. IAM.4 asks that no root key exist at all: even an inactive one can be turned back
on, so the fix is always to delete it.

Given AccountAccessKeysPresent 0                         -> COMPLIANT
Given AccountAccessKeysPresent 1                         -> NON_COMPLIANT
Given a root user without password or keys (e.g. removed by centralized root access)
                                                         -> COMPLIANT: keys work without a
      password, so the key count alone decides and this check has no NOT_APPLICABLE case
Given no AccountAccessKeysPresent value                  -> NON_COMPLIANT (cannot confirm)
Given IAM refuses the call (e.g. AccessDenied)           -> the error propagates
"""

from __future__ import annotations

from typing import Any

from scanmonster.runtime.config_item import as_int
from scanmonster.runtime.rule import CheckRule, Evaluation, compliant, non_compliant


class Rule(CheckRule):
    def evaluate_periodic(
        self, event: dict[str, Any], client_factory: Any, valid_rule_parameters: dict[str, Any]
    ) -> list[Evaluation]:
        summary = client_factory.build_client("iam").get_account_summary()["SummaryMap"]
        keys = as_int(summary.get("AccountAccessKeysPresent"))
        if keys == 0:
            return [compliant("The root user of this account has no access keys.")]
        if keys is None:
            return [
                non_compliant(
                    "IAM did not report whether the root user of this account has access "
                    "keys: check it by hand in the root user's security credentials."
                )
            ]
        return [
            non_compliant(
                "The root user of this account has an access key: anyone holding it has full, "
                "unrestricted control of the account. Delete it."
            )
        ]
