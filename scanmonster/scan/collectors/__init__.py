"""Configuration items for the local scan, shaped exactly as AWS Config records them.

`config_items` reads them from AWS Config where a recorder records the type in that
region (the scanner prefers it: it is what the deployed rules see); `collect` builds them
from the service APIs otherwise. Both return the invoking-event dialect, so a check never
knows where its item came from.

Every module of this package is imported here, and each registers its collectors with
the `@collector(resource_type, permissions=...)` decorator: adding a resource type means
adding a module, never editing a list.
"""

from __future__ import annotations

import importlib
import pkgutil
from datetime import UTC, datetime

from scanmonster.runtime.clients import ClientFactory
from scanmonster.scan.collectors.base import (
    COLLECTORS,
    Collector,
    Context,
    Item,
    NoCollectorError,
    collector,
)
from scanmonster.scan.collectors.recorded import CONFIG_PERMISSIONS, config_items, records

__all__ = [
    "COLLECTORS",
    "CONFIG_PERMISSIONS",
    "Collector",
    "NoCollectorError",
    "collect",
    "collector",
    "config_items",
    "permissions",
    "records",
]


def collect(
    resource_type: str, clients: ClientFactory, *, account_id: str, region: str
) -> list[Item]:
    """Every resource of `resource_type` in the account and region, as configuration items.

    IAM is global: the IAM collectors list the account's users whatever the region, and
    the scanner decides in which region to ask. Service errors (AccessDenied, throttling
    beyond the retries) propagate: the scanner reports them for the check and goes on.
    """
    entry = COLLECTORS.get(resource_type)
    if entry is None:
        known = ", ".join(sorted(COLLECTORS))
        raise NoCollectorError(f"no collector for {resource_type} (collected: {known})")
    context = Context(
        clients=clients, account_id=account_id, region=region, captured_at=datetime.now(UTC)
    )
    return entry.collect(context)


def permissions(resource_type: str | None = None) -> frozenset[str]:
    """IAM actions a read-only scanning role needs to build items: of one collector, or of
    all of them plus the AWS Config reads (`config_items`)."""
    if resource_type is not None:
        if resource_type not in COLLECTORS:
            raise NoCollectorError(f"no collector for {resource_type}")
        return COLLECTORS[resource_type].permissions
    return frozenset(CONFIG_PERMISSIONS).union(*(c.permissions for c in COLLECTORS.values()))


def _import_collectors() -> None:
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")


_import_collectors()
