"""The bundled risk-acceptances file, read at run time.

`load_acceptances` validates the file as of a date and refuses an entry whose expiry has
passed: right at synth (the deployment stops until someone renews or removes it), wrong
in a function that keeps running the bundle it was deployed with. After an expiry the
enricher and the sweep must keep working, and the sweep needs the expired entry to say
"expired on <date>" rather than "withdrawn". So the file is validated as of the earliest
expiry it lists (every entry was valid that day, as it was at synth: all expiries of a
deployed file lie within one year of the synth date), and expiry is decided per finding
with today's date (`find_acceptance`).
"""

from __future__ import annotations

import datetime
import logging
import tomllib
from collections.abc import Mapping
from pathlib import Path

from scanmonster.acceptance import AcceptanceError, RiskAcceptance, parse_acceptances
from scanmonster.metadata import Check

log = logging.getLogger(__name__)


def load_deployed_acceptances(
    path: Path, registry: Mapping[str, Check], *, today: datetime.date
) -> list[RiskAcceptance]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise AcceptanceError(path, -1, None, "<file>", f"cannot read: {error}") from error
    acceptances = parse_acceptances(
        text, registry, today=min(today, _earliest_expiry(text) or today), path=str(path)
    )
    expired = [a.id for a in acceptances if not a.active(today)]
    if expired:
        # Ids only: reasons and approvers stay in the file and on the findings.
        log.warning(
            "%d risk acceptance(s) expired and apply no more: %s (renew or remove them)",
            len(expired),
            ", ".join(expired),
        )
    return acceptances


def _earliest_expiry(text: str) -> datetime.date | None:
    """The earliest well-formed `expires` date; malformed files are left to the parser,
    which names the problem."""
    try:
        entries = tomllib.loads(text).get("acceptance", [])
    except tomllib.TOMLDecodeError:
        return None
    if not isinstance(entries, list):
        return None
    dates = [
        e["expires"]
        for e in entries
        if isinstance(e, dict) and type(e.get("expires")) is datetime.date
    ]
    return min(dates, default=None)
