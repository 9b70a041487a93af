"""What the one-click action concluded for each selected finding: a status (which goes into
the finding's `scanmonster_fix` field), a reason (which picks the note's text) and the
facts the text names. Facts are only values ScanMonster chose or validated (the check's
registry entry, a 12-digit account, a deployment Region, AWS Config's own answers): never
free text copied from the finding."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

STARTED = "started"
REFUSED = "refused"
FAILED = "failed"

# Refused: decided from the finding alone, nothing was called.
NOT_OURS = "not_ours"
SUPPRESSED = "suppressed"
ARCHIVED = "archived"
NOT_FAILED = "not_failed"
NO_REMEDIATION = "no_remediation"
BAD_ACCOUNT = "bad_account"
BAD_REGION = "bad_region"
# Refused after asking AWS Config: it does not list the resource as non-compliant now.
NOT_NON_COMPLIANT = "not_non_compliant"
# Failed: ScanMonster tried and AWS said no (an expected, explainable condition).
ROLE_DENIED = "role_denied"  # AssumeRole: AccessDenied
CONFIG_DENIED = "config_denied"  # the member role may not call AWS Config there
RULE_MISSING = "rule_missing"  # NoSuchConfigRuleException
NOT_SET_UP = "not_set_up"  # NoSuchRemediationConfigurationException
NO_PERMISSION = "no_permission"  # InsufficientPermissionsException
NOT_STARTED = "not_started"  # StartRemediationExecution FailedItems
UNEXPECTED = "unexpected"  # anything else: logged, and the invocation fails
# Started.
FIX_STARTED = "fix_started"

REFUSALS = (
    NOT_OURS,
    SUPPRESSED,
    ARCHIVED,
    NOT_FAILED,
    NO_REMEDIATION,
    BAD_ACCOUNT,
    BAD_REGION,
    NOT_NON_COMPLIANT,
)
FAILURES = (
    ROLE_DENIED,
    CONFIG_DENIED,
    RULE_MISSING,
    NOT_SET_UP,
    NO_PERMISSION,
    NOT_STARTED,
    UNEXPECTED,
)


@dataclass(frozen=True)
class FindingRef:
    """A finding as BatchUpdateFindings names it, and the note it carried before the click
    (unless one-click wrote it): the new note keeps it, so that nothing written there (a
    risk acceptance, a person's comment) is lost."""

    id: str
    product_arn: str
    earlier_note: str | None = field(default=None, compare=False)

    @property
    def identifier(self) -> dict[str, str]:
        return {"Id": self.id, "ProductArn": self.product_arn}


class Group(NamedTuple):
    """Findings handled together: one role session, one Config client, one rule."""

    partition: str
    account: str
    region: str
    check_id: str


@dataclass(frozen=True)
class Verdict:
    finding: FindingRef
    reason: str
    facts: Mapping[str, str] = field(default_factory=dict)

    @property
    def status(self) -> str:
        if self.reason == FIX_STARTED:
            return STARTED
        return REFUSED if self.reason in REFUSALS else FAILED
