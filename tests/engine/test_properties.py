"""Property: whatever event arrives, the handler evaluates it or raises a clear error of its
own, and every PutEvaluations it makes is one AWS Config would accept."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC

import hypothesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanmonster.metadata import load_check
from scanmonster.registry import RULES_DIR
from scanmonster.runtime.errors import ScanMonsterError
from scanmonster.runtime.events import build_change_event, build_scheduled_event
from scanmonster.runtime.runner import CheckRunner
from tests.engine.conftest import ConfigApi, assert_valid_put_evaluations
from tests.engine.test_runner import VolumeRule, make_check
from tests.support import load_item

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
ITEM_KEYS = [
    "configuration",
    "supplementaryConfiguration",
    "configurationItemStatus",
    "resourceType",
    "resourceId",
    "configurationItemCaptureTime",
    "relationships",
    "tags",
    "resourceName",
    "ARN",
    "awsAccountId",
]
SUPPLEMENTARY_KEYS = ["PublicAccessBlockConfiguration", "BucketPolicy", "AccessControlList"]


@st.composite
def mutated_bucket_events(draw) -> dict:
    """Real-shaped events for the S3 check with parts replaced by arbitrary JSON."""
    item = load_item("AWS::S3::Bucket", "private-all-blocked")
    for key in draw(st.lists(st.sampled_from(ITEM_KEYS), max_size=3, unique=True)):
        item[key] = draw(json_values)
    if isinstance(item.get("supplementaryConfiguration"), dict):
        for key in draw(st.lists(st.sampled_from(SUPPLEMENTARY_KEYS), max_size=2)):
            item["supplementaryConfiguration"][key] = draw(
                json_values | json_values.map(json.dumps)
            )
    event = build_change_event(item, left_scope=draw(st.booleans()))
    if draw(st.booleans()):
        event["ruleParameters"] = draw(st.text(max_size=20) | json_values.map(json.dumps))
    if draw(st.booleans()):
        event[draw(st.sampled_from(list(event)))] = draw(json_values)
    return event


S3_CHECK = load_check(RULES_DIR / "s3_bucket_public_access_blocked")
VOLUME_CHECK = make_check(
    trigger={"change": True, "periodic": "One_Hour"},
    parameters={"Limit": {"type": "int", "default": 3, "minimum": 0, "description": "a limit"}},
)


_API: list[ConfigApi] = []


def config_api() -> ConfigApi:
    """One real client for all examples (building a boto3 session per example would take
    most of the run); its record is cleared for each example."""
    if not _API:
        _API.append(ConfigApi())
    api = _API[0]
    api.calls.clear()
    api.attempts.clear()
    return api


def run_and_check(check, rule, event) -> int:
    api = config_api()
    # A clear error of our own is an acceptable answer to a bad event; anything else is not.
    with contextlib.suppress(ScanMonsterError):
        CheckRunner(check, rule=rule, client_factory=api.factory).handle(event)
    for name, params in api.calls:
        assert name == "PutEvaluations"
        assert_valid_put_evaluations(params)
    return sum(len(params["Evaluations"]) for _, params in api.calls)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_bucket_events())
def test_real_check_on_arbitrarily_damaged_events(event: dict) -> None:
    delivered = run_and_check(S3_CHECK, None, event)
    hypothesis.event("evaluated and delivered" if delivered else "refused or ignored")


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=20), json_values, max_size=8) | json_values)
def test_arbitrary_json_is_refused_clearly(event) -> None:
    run_and_check(S3_CHECK, None, event)


ISO_TIMES = st.datetimes(timezones=st.just(UTC)).map(lambda t: t.isoformat())
VALID_LIMITS = st.fixed_dictionaries({"Limit": st.integers(0, 99).map(str)})
ANY_PARAMETERS = st.dictionaries(st.sampled_from(["Limit", "Other"]), json_values, max_size=2)


@settings(max_examples=150, deadline=None)
@given(
    count=st.integers(min_value=0, max_value=320),
    time=ISO_TIMES | st.text(max_size=30),
    parameters=st.just({}) | VALID_LIMITS | ANY_PARAMETERS,
)
def test_periodic_results_of_any_size_are_delivered_validly(count, time, parameters) -> None:
    rule = VolumeRule()
    rule.count = count
    event = build_scheduled_event(
        account_id="123456789012", notification_time=time, parameters=parameters
    )
    delivered = run_and_check(VOLUME_CHECK, rule, event)
    hypothesis.event(f"delivered in {-(-delivered // 100)} call(s)")
