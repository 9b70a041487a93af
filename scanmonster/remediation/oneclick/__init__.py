"""One-click remediation: the Security Hub custom action "ScanMonster fix".

In the Security Hub console of the security account a person selects findings and chooses
Actions -> "ScanMonster fix". EventBridge sends the findings to
`scanmonster.remediation.oneclick.handler.one_click_handler`, which starts each check's
AWS Config remediation in the finding's own account and Region (through the starter role
there) and writes the outcome as a note on every selected finding.

Modules: settings (environment), events (the action and its events), decide (which
findings may be fixed), member (AWS Config in the member account), texts (the notes),
process (one click, end to end), handler (the Lambda entry point).

For the deployment: HANDLER, the action's ACTION_ID / ACTION_NAME / ACTION_DESCRIPTION,
`custom_action_pattern(action_target_arn)`, and the exact IAM actions: MEMBER_ACTIONS (the
starter role in each member account) and OWN_ACTIONS (the function's own role).
"""

from scanmonster.remediation.oneclick.events import (
    ACTION_DESCRIPTION,
    ACTION_ID,
    ACTION_NAME,
    custom_action_pattern,
)
from scanmonster.remediation.oneclick.process import ROLE_SESSION_NAME
from scanmonster.remediation.oneclick.settings import (
    LANGUAGE,
    MEMBER_ACTIONS,
    OWN_ACTIONS,
    REGIONS,
    STARTER_ROLE,
)

HANDLER = "scanmonster.remediation.oneclick.handler.one_click_handler"

__all__ = [
    "ACTION_DESCRIPTION",
    "ACTION_ID",
    "ACTION_NAME",
    "HANDLER",
    "LANGUAGE",
    "MEMBER_ACTIONS",
    "OWN_ACTIONS",
    "REGIONS",
    "ROLE_SESSION_NAME",
    "STARTER_ROLE",
    "custom_action_pattern",
]
