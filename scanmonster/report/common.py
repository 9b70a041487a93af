"""Small facts every report format shares: tutorial links, standards ids, severity order."""

from __future__ import annotations

from collections.abc import Mapping

from scanmonster.metadata import SEVERITIES, Check

# Framework key in check.toml -> how people name it (the README table uses the same words).
FRAMEWORK_LABELS = {
    "fsbp": "FSBP",
    "securityhub": "Security Hub",
    "cis_v1_4_0": "CIS 1.4",
    "cis_v3_0_0": "CIS 3.0",
}


def tutorial_url(base_url: str, language: str, check_id: str) -> str:
    """Where the published tutorial lives: the same link deployed findings carry."""
    return f"{base_url.rstrip('/')}/{language}/{check_id}.html"


def cis_ids(check: Check) -> list[str]:
    """CIS recommendations with their benchmark version ("v3.0.0/1.5"), as the deployed
    enrichment writes them: the numbers alone are ambiguous between versions."""
    return [
        f"v{key.removeprefix('cis_v').replace('_', '.')}/{control}"
        for key in sorted(check.frameworks)
        if key.startswith("cis_v")
        for control in check.frameworks[key]
    ]


def standards_text(check: Check) -> str:
    """'FSBP S3.8; CIS 1.4 2.1.5; CIS 3.0 2.1.4'."""
    return "; ".join(
        f"{FRAMEWORK_LABELS.get(key, key)} {', '.join(ids)}"
        for key, ids in check.frameworks.items()
    )


def severity_rank(severity: str) -> int:
    """0 for CRITICAL ... 4 for INFORMATIONAL; unknown values sort last."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def lookup(registry: Mapping[str, Check], check_id: str) -> Check:
    """The check a result names. A report may come from ASFF written by another version:
    say which check is unknown instead of a bare KeyError."""
    check = registry.get(check_id)
    if check is None:
        raise ValueError(
            f"the report has results of check '{check_id}', which this version of ScanMonster "
            f"does not know (known: {', '.join(registry)})"
        )
    return check
