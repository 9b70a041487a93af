"""What people read: finding notes and notification messages, in English or Japanese.

Written for the person the product is for: responsible for an account, not an AWS expert,
who must decide between fixing and accepting the risk. Limits: a Security Hub note is at
most 512 characters; an SNS subject is under 100 characters, one line, and plain ASCII
here so that every mail client shows it (it uses the English check title).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scanmonster.acceptance import RiskAcceptance

NOTE_MAX = 512
SUBJECT_MAX = 99  # SNS: "less than 100 characters"
_ELLIPSIS = "…"


@dataclass(frozen=True)
class Lapse:
    """A suppression of ours that no longer holds: the acceptance expired on a date, or
    was withdrawn (removed from the file, or no longer covers the finding)."""

    acceptance_id: str
    expired_on: str | None  # ISO date; None = withdrawn


def fit(text: str, limit: int = NOTE_MAX) -> str:
    """`text` cut to `limit` characters, marking the cut."""
    return text if len(text) <= limit else text[: limit - len(_ELLIPSIS)] + _ELLIPSIS


def suppressed_note(acceptance: RiskAcceptance, language: str) -> str:
    # The reason goes last: when the note is too long, the cut falls in the reason, never
    # in the id, the approver or the date.
    expires = acceptance.expires.isoformat()
    if language == "ja":
        head = (
            f"リスク受容 {acceptance.id} により抑制中です"
            f"（承認者: {acceptance.approver}、期限: {expires}（UTC）まで）。理由: "
        )
    else:
        head = (
            f"Risk accepted ({acceptance.id}) by {acceptance.approver} "
            f"until {expires} (UTC). Reason: "
        )
    return fit(head + " ".join(acceptance.reason.split()))


def lapse_sentence(lapse: Lapse, language: str) -> str:
    if language == "ja":
        if lapse.expired_on:
            return (
                f"リスク受容 {lapse.acceptance_id} は {lapse.expired_on} に期限切れになりました。"
                "この検出結果は再び通知されます。"
            )
        return (
            f"リスク受容 {lapse.acceptance_id} は取り下げられました。"
            "この検出結果は再び通知されます。"
        )
    if lapse.expired_on:
        return (
            f"Risk acceptance {lapse.acceptance_id} expired on {lapse.expired_on}: "
            "this finding alerts again."
        )
    return f"Risk acceptance {lapse.acceptance_id} was withdrawn: this finding alerts again."


def reopened_note(lapse: Lapse, summary: str, language: str) -> str:
    return fit(f"{lapse_sentence(lapse, language)} {summary}")


@dataclass(frozen=True)
class MessageFacts:
    """Everything a notification says about one finding."""

    finding_id: str
    account: str
    region: str
    resources: Sequence[str]
    english_title: str  # the check's title from check.toml: ASCII, for the subject
    title: str  # the tutorial title in the configured language
    severity: str
    summary: str
    tutorial_url: str


def subject(facts: MessageFacts, lapse: Lapse | None) -> str:
    prefix = "[ScanMonster] "
    if lapse:
        prefix += "Risk acceptance ended: "
    text = f"{prefix}{facts.severity}: {facts.english_title}"
    ascii_text = "".join(c if " " <= c <= "~" else "?" for c in " ".join(text.split()))
    if len(ascii_text) <= SUBJECT_MAX:
        return ascii_text
    cut = ascii_text[: SUBJECT_MAX - 3]
    # End on a whole word when one ends near the limit.
    space = cut.rfind(" ", len(cut) - 20)
    return (cut[:space] if space > 0 else cut) + "..."


def body(facts: MessageFacts, lapse: Lapse | None, language: str) -> str:
    resources = ", ".join(facts.resources) or "-"
    if language == "ja":
        opening = (
            lapse_sentence(lapse, language) if lapse else "ScanMonster のチェックが失敗しました。"
        )
        lines = [
            opening,
            "設定を修正するか、修正しない理由があればリスク受容として記録してください。",
            "",
            f"チェック: {facts.title}",
            f"重要度: {facts.severity}",
            f"アカウント: {facts.account}",
            f"リージョン: {facts.region}",
            f"リソース: {resources}",
            f"検出結果 ID: {facts.finding_id}",
            "",
            facts.summary,
            "",
            f"チュートリアル: {facts.tutorial_url}",
        ]
    else:
        opening = lapse_sentence(lapse, language) if lapse else "A ScanMonster check failed."
        lines = [
            opening,
            "Fix the setting, or, if there is a reason not to, record the accepted risk.",
            "",
            f"Check: {facts.title}",
            f"Severity: {facts.severity}",
            f"Account: {facts.account}",
            f"Region: {facts.region}",
            f"Resource: {resources}",
            f"Finding ID: {facts.finding_id}",
            "",
            facts.summary,
            "",
            f"Tutorial: {facts.tutorial_url}",
        ]
    return "\n".join(lines) + "\n"
