"""Notifications: one SNS message per finding, nothing batched or dropped silently.

Messages are published before the findings are updated: if a publish fails, that finding
is left unmarked (its stored state unchanged) and the invocation fails, so the retry or
the next event handles it again. A person may get a message twice; never zero times.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from botocore.exceptions import ClientError

from scanmonster.findings.plan import Plan
from scanmonster.findings.settings import Settings
from scanmonster.findings.texts import MessageFacts, body, subject
from scanmonster.tutorials import Tutorial

log = logging.getLogger(__name__)


def message_facts(plan: Plan, settings: Settings, tutorial: Tutorial) -> MessageFacts:
    finding = plan.finding
    return MessageFacts(
        finding_id=finding.id,
        account=finding.account,
        region=finding.region,
        resources=finding.resources,
        english_title=plan.check.title,
        title=tutorial.title,
        severity=plan.check.severity,
        summary=tutorial.summary,
        tutorial_url=settings.tutorial_url(plan.check.id),
    )


def publish_notifications(
    sns: Any | None,
    settings: Settings,
    plans: Sequence[Plan],
    tutorial_of: Callable[[str], Tutorial],
) -> list[str]:
    """Publish one message per plan; return the ids of the findings not announced."""
    if not plans:
        return []
    if sns is None or settings.topic_arn is None:
        log.warning("%d finding(s) qualify for a notification, but no topic is set", len(plans))
        return []
    unpublished = []
    for plan in plans:
        facts = message_facts(plan, settings, tutorial_of(plan.check.id))
        try:
            sns.publish(
                TopicArn=settings.topic_arn,
                Subject=subject(facts, plan.lapse),
                Message=body(facts, plan.lapse, settings.language),
            )
        except ClientError as error:
            log.error(
                "SNS did not publish the notification for %s: %s",
                plan.finding.id,
                error.response.get("Error", {}).get("Code"),
            )
            unpublished.append(plan.finding.id)
    return unpublished
