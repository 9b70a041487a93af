"""At least one multi-Region CloudTrail trail logs all management events (FSBP CloudTrail.1).

The account is COMPLIANT when one trail is multi-Region, is logging (GetTrailStatus
IsLogging) and records every read and write management event (GetEventSelectors), with no
management event source excluded (FSBP also fails ExcludeManagementEventSources).

Given no trail listed (none, or a single-Region one elsewhere) -> NON_COMPLIANT
Given only a single-Region trail                            -> NON_COMPLIANT, naming it
Given a multi-Region trail that is stopped                  -> NON_COMPLIANT, "not logging"
Given a multi-Region trail with ReadWriteType ReadOnly
      (or WriteOnly)                                        -> NON_COMPLIANT, "only read" events
Given a multi-Region trail with IncludeManagementEvents false -> NON_COMPLIANT
Given a multi-Region trail excluding a source (e.g. KMS)    -> NON_COMPLIANT
Given advanced selectors: eventCategory Equals Management
      and no readOnly field (or one for read, one for write) -> that trail qualifies
Given advanced selectors with readOnly Equals true, an
      eventSource filter, or only data events               -> NON_COMPLIANT
Given several trails, one of them good                      -> COMPLIANT, naming the good one
Given several trails, none good                             -> NON_COMPLIANT, each with its gap
Given a multi-Region trail created in another Region        -> its status and selectors are read
      in its home Region with its ARN (elsewhere it is a shadow trail, unknown by name)
Given the organization trail of the management account      -> read the same way (a member
      account must give the ARN); it counts like any other trail
Given a read AWS refuses (AccessDenied, CloudTrailARNInvalid) -> the error propagates: no
      verdict on a trail nobody could read. The account's own trails are read first and the
      first good trail ends the search, so an unreadable organization trail matters only when
      nothing else qualifies.
There is no NOT_APPLICABLE: every account can and should have such a trail.
"""

from __future__ import annotations

from typing import Any

from scanmonster.runtime.config_item import as_bool
from scanmonster.runtime.rule import CheckRule, Evaluation, compliant, non_compliant

# Advanced selector fields that keep a management selector complete; any other field
# (eventSource NotEquals kms.amazonaws.com, ...) leaves some management events out.
_COMPLETE_FIELDS = {"eventCategory", "readOnly"}


class Rule(CheckRule):
    def evaluate_periodic(
        self, event: dict[str, Any], client_factory: Any, valid_rule_parameters: dict[str, Any]
    ) -> list[Evaluation]:
        home = client_factory.build_client("cloudtrail")
        # Shadow trails: multi-Region trails created in another Region and the organization
        # trail are listed only with includeShadowTrails (the default, made explicit).
        trails = home.describe_trails(includeShadowTrails=True).get("trailList") or []
        if not trails:
            return [
                non_compliant(
                    "This account has no multi-Region CloudTrail trail, so no lasting record "
                    "is kept of who did what in most Regions: create one."
                )
            ]
        account_id = event.get("accountId")
        gaps = []
        # The account's own trails first, then trails of other accounts (organization trails).
        for trail in sorted(trails, key=lambda t: (_foreign(t, account_id), t["TrailARN"])):
            label = _label(trail, account_id)
            if as_bool(trail.get("IsMultiRegionTrail")) is not True:
                gaps.append(f"{label} covers only {_home_region(trail)}")
                continue
            client = client_factory.build_client("cloudtrail", _home_region(trail))
            missing = _missing(client, trail)
            if not missing:
                return [
                    compliant(
                        f"The {label} is multi-Region, logging, and records all read and "
                        "write management events."
                    )
                ]
            gaps.append(f"{label} {' and '.join(missing)}")
        return [
            non_compliant(
                "No multi-Region trail logs all read and write management events: "
                f"{'; '.join(gaps)}."
            )
        ]


def _missing(client: Any, trail: dict[str, Any]) -> list[str]:
    """What keeps a multi-Region trail from qualifying (empty when it qualifies)."""
    # By ARN: a name finds only this account's trails in this Region, and the API reference
    # requires the ARN for an organization trail read from a member account.
    arn = trail["TrailARN"]
    missing = []
    if as_bool(client.get_trail_status(Name=arn).get("IsLogging")) is not True:
        missing.append("is not logging")
    gap = _management_gap(client.get_event_selectors(TrailName=arn))
    if gap:
        missing.append(gap)
    return missing


def _management_gap(selectors: dict[str, Any]) -> str | None:
    """What a trail's event selectors miss of the management events, or None for nothing."""
    read = write = narrowed = False
    for selector in selectors.get("EventSelectors") or []:
        if as_bool(selector.get("IncludeManagementEvents")) is not True:
            continue
        if selector.get("ExcludeManagementEventSources"):
            narrowed = True
            continue
        kind = selector.get("ReadWriteType")
        read = read or kind in ("All", "ReadOnly")
        write = write or kind in ("All", "WriteOnly")
    for selector in selectors.get("AdvancedEventSelectors") or []:
        fields = {f.get("Field"): f for f in selector.get("FieldSelectors") or []}
        if (fields.get("eventCategory") or {}).get("Equals") != ["Management"]:
            continue
        if set(fields) - _COMPLETE_FIELDS:
            narrowed = True
            continue
        if "readOnly" not in fields:  # no readOnly field: both read and write events
            read = write = True
            continue
        condition = {k: v for k, v in fields["readOnly"].items() if k != "Field"}
        read = read or condition == {"Equals": ["true"]}
        write = write or condition == {"Equals": ["false"]}
    if read and write:
        return None
    if read:
        return "records only read management events"
    if write:
        return "records only write management events"
    if narrowed:
        return "leaves some management event sources out"
    return "records no management events"


def _owner(trail: dict[str, Any]) -> str:
    return trail["TrailARN"].split(":")[4]


def _foreign(trail: dict[str, Any], account_id: str | None) -> bool:
    """A trail of another account: the organization trail, seen from a member account."""
    return account_id is not None and _owner(trail) != account_id


def _home_region(trail: dict[str, Any]) -> str:
    # Every DescribeTrails entry carries HomeRegion; the ARN names the same Region.
    return trail.get("HomeRegion") or trail["TrailARN"].split(":")[3]


def _label(trail: dict[str, Any], account_id: str | None) -> str:
    name = trail.get("Name") or trail["TrailARN"].rsplit("/", 1)[-1]
    if _foreign(trail, account_id):
        return f"organization trail {name} (account {_owner(trail)})"
    return f"trail {name}"
