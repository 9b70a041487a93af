"""The account password policy for IAM users is strong (FSBP IAM.7; CIS 1.8 and 1.9).

Parameters (typed by the runtime from check.toml): MinimumPasswordLength (default 14),
PasswordReusePrevention (default 24), RequireCharacterClasses (default true: uppercase,
lowercase, numbers and symbols all required).

Given a policy meeting every threshold (length >= minimum, reuse >= minimum, all four
      character classes when required)                           -> COMPLIANT
Given a policy short of one or more thresholds                    -> NON_COMPLIANT, the
      annotation listing every shortfall ("minimum length 8 < 14; reuse prevention off")
Given a policy without PasswordReusePrevention (IAM omits it when off) -> "reuse prevention off"
Given RequireCharacterClasses false                               -> character classes ignored
Given no password policy at all (NoSuchEntity)                    -> NON_COMPLIANT
Given IAM refuses the call (e.g. AccessDenied)                    -> the error propagates

Password expiry (MaxPasswordAge) is deliberately not required: CIS v1.4.0 and v3.0.0 dropped
it, and NIST SP 800-63B advises against forced periodic changes.
"""

from __future__ import annotations

from typing import Any

from scanmonster.runtime.config_item import as_bool, as_int
from scanmonster.runtime.rule import CheckRule, Evaluation, compliant, non_compliant

# Policy field -> how the annotation names it.
CHARACTER_CLASSES = {
    "RequireUppercaseCharacters": "uppercase letters",
    "RequireLowercaseCharacters": "lowercase letters",
    "RequireNumbers": "numbers",
    "RequireSymbols": "symbols",
}


class Rule(CheckRule):
    def evaluate_periodic(
        self, event: dict[str, Any], client_factory: Any, valid_rule_parameters: dict[str, Any]
    ) -> list[Evaluation]:
        iam = client_factory.build_client("iam")
        try:
            policy = iam.get_account_password_policy()["PasswordPolicy"]
        except iam.exceptions.NoSuchEntityException:
            # Only "no policy" carries a verdict; every other error must fail the run.
            return [
                non_compliant(
                    "This account has no IAM password policy, so only AWS's weak defaults "
                    "apply to IAM user passwords (8 characters, old passwords may be reused)."
                )
            ]
        shortfalls = _shortfalls(policy, valid_rule_parameters)
        if shortfalls:
            return [
                non_compliant(f"The account password policy is too weak: {'; '.join(shortfalls)}.")
            ]
        return [compliant("The account password policy meets every requirement of this check.")]


def _shortfalls(policy: dict[str, Any], parameters: dict[str, Any]) -> list[str]:
    shortfalls = []
    wanted_length = parameters["MinimumPasswordLength"]
    length = as_int(policy.get("MinimumPasswordLength"))
    if length is None:
        shortfalls.append("minimum length not set")
    elif length < wanted_length:
        shortfalls.append(f"minimum length {length} < {wanted_length}")

    wanted_reuse = parameters["PasswordReusePrevention"]
    reuse = as_int(policy.get("PasswordReusePrevention"))
    if not reuse:  # IAM leaves the field out when reuse prevention is off
        shortfalls.append("reuse prevention off")
    elif reuse < wanted_reuse:
        shortfalls.append(f"reuse prevention {reuse} < {wanted_reuse}")

    if parameters["RequireCharacterClasses"]:
        missing = [
            name for key, name in CHARACTER_CLASSES.items() if as_bool(policy.get(key)) is not True
        ]
        if missing:
            shortfalls.append(f"{', '.join(missing)} not required")
    return shortfalls
