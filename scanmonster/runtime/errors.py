"""Errors the runtime raises. Raising fails the Lambda invocation on purpose: AWS Config
then shows the rule as failed, Lambda retries, and the failure destination keeps the
event, instead of a "successful" invocation that evaluated nothing."""


class ScanMonsterError(Exception):
    """Base class of the runtime's own errors."""


class InvalidEventError(ScanMonsterError):
    """The Lambda event is not an AWS Config rule event we can evaluate."""


class InvalidParameterError(ScanMonsterError):
    """A rule parameter is malformed, unknown or out of range; the message names it."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"rule parameter '{name}': {problem}")
        self.name = name


class RuleOutputError(ScanMonsterError):
    """A check returned something that is not a valid evaluation (a bug in the check)."""


class EvaluationDeliveryError(ScanMonsterError):
    """AWS Config refused some evaluations even after retries."""

    def __init__(self, failed: list[dict]) -> None:
        ids = ", ".join(
            f"{e.get('ComplianceResourceType')}/{e.get('ComplianceResourceId')}"
            for e in failed[:10]
        )
        more = f" and {len(failed) - 10} more" if len(failed) > 10 else ""
        super().__init__(f"AWS Config did not accept {len(failed)} evaluation(s): {ids}{more}")
        self.failed = failed
