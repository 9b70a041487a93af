"""S3 buckets refuse requests that do not use TLS (FSBP S3.5, CIS v1.4.0 2.1.2, v3.0.0 2.1.1).

Given a bucket whose policy has one statement with Effect Deny, Principal everyone ("*",
      {"AWS": "*"} or a list holding "*"), Action "s3:*" or "*" (alone or in a list),
      Resource covering the bucket ARN and all its objects, and Condition Bool or
      BoolIfExists aws:SecureTransport false (false, "false" or a list of them; the key in
      any letter case)                                                  -> COMPLIANT
Given the same Deny in a second statement, after an Allow             -> COMPLIANT
Given that Deny split in two statements (bucket ARN in one, its objects in the other)
                                                                      -> COMPLIANT
Given a policy read from the history API (policy text encoded twice)  -> read the same way
Given no bucket policy (policyText null, or no BucketPolicy key)      -> NON_COMPLIANT
Given a Deny on the bucket ARN only, not on its objects (or the reverse) -> NON_COMPLIANT,
      naming what the Deny does not cover
Given a Deny on some actions or some principals only                  -> NON_COMPLIANT
Given a Deny with aws:SecureTransport "true" (wrong polarity: it blocks HTTPS) -> NON_COMPLIANT
Given a Deny whose condition also tests other keys (it then denies only some HTTP
      requests)                                                       -> NON_COMPLIANT
Given only an Allow with aws:SecureTransport "true" (another statement, an ACL or an IAM
      policy can still allow HTTP)                                    -> NON_COMPLIANT
Given a policy that cannot be read as JSON                            -> NON_COMPLIANT
Given a deleted bucket                                                -> NOT_APPLICABLE (runtime)
"""

from __future__ import annotations

import re
from typing import Any

from scanmonster.runtime.config_item import as_bool, decode_json_value
from scanmonster.runtime.rule import CheckRule, Evaluation, compliant, non_compliant

SECURE_TRANSPORT = "aws:securetransport"  # condition keys are case-insensitive in IAM
BOOL_OPERATORS = ("Bool", "BoolIfExists")
ALL_ACTIONS = ("s3:*", "*")  # action names are case-insensitive in IAM


class Rule(CheckRule):
    def evaluate_change(
        self,
        event: dict[str, Any],
        client_factory: Any,
        configuration_item: dict[str, Any],
        valid_rule_parameters: dict[str, Any],
    ) -> list[Evaluation]:
        configuration = configuration_item.get("configuration") or {}
        name = (
            configuration_item.get("resourceName")
            or configuration.get("name")
            or configuration_item.get("resourceId")
        )
        bucket = bucket_arn(name, configuration_item.get("ARN"))
        policy = configuration_item["supplementaryConfiguration"].get("BucketPolicy")
        document = decode_json_value(policy.get("policyText")) if isinstance(policy, dict) else None
        if document in (None, ""):
            return [
                non_compliant(
                    f"Bucket {name} has no bucket policy, so it accepts requests over plain "
                    "HTTP: add a Deny for requests where aws:SecureTransport is false."
                )
            ]
        statements = policy_statements(document)
        if statements is None:
            return [non_compliant(f"Bucket {name} has a bucket policy that could not be read.")]
        if denies_all_insecure_requests(statements, bucket):
            return [compliant(f"Bucket {name} denies every request that does not use TLS.")]
        gaps = [statement_gaps(s, bucket) for s in statements]
        # The nearest miss: a Deny on insecure transport that is too narrow. Saying what it
        # lacks is more useful than "no such statement".
        near = [
            gap
            for statement, gap in zip(statements, gaps, strict=True)
            if statement.get("Effect") == "Deny"
            and denies_insecure_transport(statement.get("Condition"))
        ]
        if near:
            return [
                non_compliant(
                    f"Bucket {name} denies non-TLS requests only in part: the Deny "
                    f"{', '.join(min(near, key=len))}."
                )
            ]
        return [
            non_compliant(
                f"Bucket {name} has a bucket policy, but no statement denies requests that "
                "do not use TLS (HTTPS)."
            )
        ]


def bucket_arn(name: str, item_arn: Any) -> str:
    """The bucket's ARN, in the item's partition (aws, aws-cn, aws-us-gov)."""
    parts = item_arn.split(":") if isinstance(item_arn, str) else []
    partition = parts[1] if len(parts) > 1 and parts[0] == "arn" and parts[1] else "aws"
    return f"arn:{partition}:s3:::{name}"


def policy_statements(policy_text: Any) -> list[dict[str, Any]] | None:
    """The statements of a policy given as JSON text (possibly encoded twice) or an object."""
    policy = decode_json_value(policy_text)
    if not isinstance(policy, dict):
        return None
    statements = policy.get("Statement")
    if isinstance(statements, dict):  # a single statement may be written without a list
        statements = [statements]
    if not isinstance(statements, list):
        return None
    return [s for s in statements if isinstance(s, dict)]


def denies_all_insecure_requests(statements: list[dict[str, Any]], bucket: str) -> bool:
    """True when Deny statements for everyone, every action and insecure transport cover
    the bucket and all its objects, in one statement or between several."""
    resources = [
        resource
        for statement in statements
        if statement.get("Effect") == "Deny"
        and applies_to_everyone(statement.get("Principal"))
        and covers_all_actions(statement.get("Action"))
        and denies_insecure_transport(statement.get("Condition"))
        for resource in _as_list(statement.get("Resource"))
    ]
    return any(_glob_matches(r, bucket) for r in resources) and any(
        covers_all_objects(r, bucket) for r in resources
    )


def statement_gaps(statement: dict[str, Any], bucket: str) -> list[str]:
    """What keeps `statement` from denying every non-TLS request to the bucket ([] = none)."""
    gaps = []
    if statement.get("Effect") != "Deny":
        gaps.append("is not a Deny")
    if not applies_to_everyone(statement.get("Principal")):
        gaps.append('does not apply to every principal ("*")')
    if not covers_all_actions(statement.get("Action")):
        gaps.append('does not cover every action ("s3:*")')
    resources = _as_list(statement.get("Resource"))
    if not any(_glob_matches(r, bucket) for r in resources):
        gaps.append(f"does not cover the bucket itself ({bucket})")
    if not any(covers_all_objects(r, bucket) for r in resources):
        gaps.append(f"does not cover the objects ({bucket}/*)")
    if not denies_insecure_transport(statement.get("Condition")):
        gaps.append("has no aws:SecureTransport false condition")
    return gaps


def applies_to_everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in _as_list(principal.get("AWS"))


def covers_all_actions(action: Any) -> bool:
    return any(isinstance(a, str) and a.lower() in ALL_ACTIONS for a in _as_list(action))


def covers_all_objects(pattern: Any, bucket: str) -> bool:
    """True when the resource pattern matches every object key of the bucket.

    A pattern ending in "*" that matches "<bucket ARN>/" matches "<bucket ARN>/<any key>"
    too, because the final "*" absorbs the key; a pattern without a final "*" cannot.
    """
    return (
        isinstance(pattern, str) and pattern.endswith("*") and _glob_matches(pattern, bucket + "/")
    )


def denies_insecure_transport(condition: Any) -> bool:
    """True when the condition holds for every request made without TLS, and only tests that.

    Exactly one operator (Bool or BoolIfExists) with exactly one key, aws:SecureTransport,
    whose value (or one of whose values) is false. Any other test would narrow the Deny
    to some HTTP requests only.
    """
    if not isinstance(condition, dict) or len(condition) != 1:
        return False
    operator, tests = next(iter(condition.items()))
    if operator not in BOOL_OPERATORS or not isinstance(tests, dict) or len(tests) != 1:
        return False
    key, values = next(iter(tests.items()))
    return key.lower() == SECURE_TRANSPORT and any(as_bool(v) is False for v in _as_list(values))


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _glob_matches(pattern: Any, text: str) -> bool:
    """IAM resource matching: "*" any run of characters, "?" one character, case-sensitive."""
    if not isinstance(pattern, str):
        return False
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text, flags=re.DOTALL) is not None
