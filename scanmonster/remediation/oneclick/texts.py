"""The notes the one-click action writes on findings, in English or Japanese.

For the person who clicked "ScanMonster fix": not an AWS expert. Each note says what
happened in plain words and what to do next: what was started (which fix, where) and that
the finding turns to PASSED when AWS Config checks the resource again, or why nothing was
started and who can help. A Security Hub note holds at most 512 characters; the one text
that carries AWS's own words (a FailureMessage) has them last, so a cut falls there.
"""

from __future__ import annotations

from collections.abc import Mapping

from scanmonster.findings.texts import NOTE_MAX, fit
from scanmonster.remediation.oneclick import verdicts as v
from scanmonster.remediation.oneclick.verdicts import Verdict

# Hours between periodic evaluations, for "at the next scheduled check".
FREQUENCY_HOURS = {
    "One_Hour": 1,
    "Three_Hours": 3,
    "Six_Hours": 6,
    "Twelve_Hours": 12,
    "TwentyFour_Hours": 24,
}

_ADMINS_EN = "Nothing was changed. Ask the ScanMonster administrators for help."
_ADMINS_JA = "何も変更していません。ScanMonster の管理者に連絡してください。"

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        v.FIX_STARTED: (
            "ScanMonster started the fix at {when}: the AWS Systems Manager Automation "
            "runbook {document} runs in account {account}, Region {region}. This finding "
            "turns to PASSED when AWS Config checks the resource again ({wait}). If it stays "
            "FAILED, open AWS Config in that account and Region, rule {rule}, to see the "
            "status of the fix."
        ),
        v.NOT_OURS: (
            "ScanMonster did not act: this is not a ScanMonster finding. "
            '"ScanMonster fix" only fixes findings of the AWS Config rules named '
            "scanmonster-<check>. Nothing was changed."
        ),
        v.SUPPRESSED: (
            "ScanMonster did not start a fix: the risk of this finding is accepted "
            "(suppressed); remove the acceptance first. If it is listed in "
            "risk-acceptances.toml, remove it there; otherwise set the workflow status back "
            "to NEW. Then try again."
        ),
        v.ARCHIVED: (
            "ScanMonster did not start a fix: this finding is archived (the resource was "
            "deleted or is no longer checked). There is nothing to fix."
        ),
        v.NOT_FAILED: (
            "ScanMonster did not start a fix: the compliance status of this finding is "
            "{status}, not FAILED. There is nothing to fix."
        ),
        v.NO_REMEDIATION: (
            "ScanMonster has no automatic fix for the check {check}: fixing it needs "
            "decisions only a person can make. Follow the tutorial linked in this finding "
            "(field scanmonster_tutorial) to fix it by hand, or accept the risk."
        ),
        v.BAD_ACCOUNT: (
            "ScanMonster did not act: this finding does not name a valid AWS account, so it "
            "cannot be fixed from here. Nothing was changed."
        ),
        v.BAD_REGION: (
            "ScanMonster did not act: it is not deployed in this finding's Region, so it "
            "cannot fix it there. Fix it by hand with the tutorial linked in this finding "
            "(field scanmonster_tutorial), or ask the ScanMonster administrators to add the "
            "Region."
        ),
        v.NOT_NON_COMPLIANT: (
            "ScanMonster did not start a fix: AWS Config does not list this resource as "
            "failing rule {rule} right now (it may already be fixed). If this finding is "
            "still FAILED after AWS Config checks the resource again, try once more."
        ),
        v.ROLE_DENIED: (
            "ScanMonster could not start the fix: it may not act in account {account}. Its "
            "role {role} there is missing or does not trust ScanMonster (the deployment may "
            "not have reached this account yet). " + _ADMINS_EN
        ),
        v.CONFIG_DENIED: (
            "ScanMonster could not start the fix: its role {role} in account {account} may "
            "not use AWS Config in Region {region}. " + _ADMINS_EN
        ),
        v.RULE_MISSING: (
            "ScanMonster could not start the fix: the AWS Config rule {rule} does not exist "
            "in account {account}, Region {region} (the deployment may not have reached it "
            "yet). " + _ADMINS_EN
        ),
        v.NOT_SET_UP: (
            "ScanMonster could not start the fix: the rule {rule} in account {account}, "
            "Region {region} has no fix set up (no remediation configuration; the deployment "
            "may not have reached it yet). " + _ADMINS_EN
        ),
        v.NO_PERMISSION: (
            "ScanMonster could not start the fix: AWS Config in account {account}, Region "
            "{region} lacks a permission it needs to run the fix of rule {rule}. " + _ADMINS_EN
        ),
        v.NOT_STARTED: (
            "ScanMonster asked AWS Config to fix this resource, but AWS Config did not start "
            "the fix. A fix that is still running for the same resource must finish first: "
            "try again in a few minutes. AWS Config said: {message}"
        ),
        v.UNEXPECTED: (
            "ScanMonster could not start the fix because of an unexpected error. Try again "
            "later; if it happens again, tell the ScanMonster administrators (the details "
            "are in the logs of the one-click function)."
        ),
    },
    "ja": {
        v.FIX_STARTED: (
            "ScanMonster が修正を開始しました（{when}）。アカウント {account}、リージョン "
            "{region} で AWS Systems Manager Automation のランブック {document} が実行されます。"
            "AWS Config がリソースを再チェックすると、この検出結果は PASSED に変わります"
            "（{wait}）。FAILED のままの場合は、そのアカウントとリージョンの AWS Config で"
            "ルール {rule} を開き、修正の状況を確認してください。"
        ),
        v.NOT_OURS: (
            "ScanMonster は何もしませんでした。これは ScanMonster の検出結果ではありません。"
            "「ScanMonster fix」で修正できるのは、scanmonster-<チェック> という名前の "
            "AWS Config ルールの検出結果だけです。何も変更していません。"
        ),
        v.SUPPRESSED: (
            "ScanMonster は修正を開始しませんでした。この検出結果のリスクは受容されています"
            "（抑制中）。先に受容を取り消してください。risk-acceptances.toml に記載があれば"
            "そこから削除し、なければワークフローのステータスを NEW に戻してから、"
            "もう一度実行してください。"
        ),
        v.ARCHIVED: (
            "ScanMonster は修正を開始しませんでした。この検出結果はアーカイブされています"
            "（リソースが削除されたか、チェックの対象外になりました）。修正するものはありません。"
        ),
        v.NOT_FAILED: (
            "ScanMonster は修正を開始しませんでした。この検出結果のコンプライアンスステータスは "
            "FAILED ではなく {status} です。修正するものはありません。"
        ),
        v.NO_REMEDIATION: (
            "チェック {check} には ScanMonster の自動修正がありません。修正には人の判断が"
            "必要です。この検出結果にリンクのあるチュートリアル（フィールド "
            "scanmonster_tutorial）に従って手作業で修正するか、リスクを受容してください。"
        ),
        v.BAD_ACCOUNT: (
            "ScanMonster は何もしませんでした。この検出結果には有効な AWS アカウントが"
            "記録されていないため、ここからは修正できません。何も変更していません。"
        ),
        v.BAD_REGION: (
            "ScanMonster は何もしませんでした。この検出結果のリージョンには ScanMonster が"
            "デプロイされていないため、そこでは修正できません。この検出結果にリンクのある"
            "チュートリアル（フィールド scanmonster_tutorial）に従って手作業で修正するか、"
            "ScanMonster の管理者にリージョンの追加を依頼してください。"
        ),
        v.NOT_NON_COMPLIANT: (
            "ScanMonster は修正を開始しませんでした。AWS Config は現在、このリソースを"
            "ルール {rule} の違反として記録していません（すでに修正済みの可能性があります）。"
            "AWS Config の再チェック後もこの検出結果が FAILED のままなら、もう一度実行して"
            "ください。"
        ),
        v.ROLE_DENIED: (
            "ScanMonster は修正を開始できませんでした。アカウント {account} で操作する権限が"
            "ありません。そのアカウントのロール {role} がないか、ScanMonster を信頼していません"
            "（デプロイがまだこのアカウントに届いていない可能性があります）。" + _ADMINS_JA
        ),
        v.CONFIG_DENIED: (
            "ScanMonster は修正を開始できませんでした。アカウント {account} のロール {role} "
            "には、リージョン {region} の AWS Config を使う権限がありません。" + _ADMINS_JA
        ),
        v.RULE_MISSING: (
            "ScanMonster は修正を開始できませんでした。アカウント {account}、リージョン "
            "{region} に AWS Config ルール {rule} がありません（デプロイがまだ届いていない"
            "可能性があります）。" + _ADMINS_JA
        ),
        v.NOT_SET_UP: (
            "ScanMonster は修正を開始できませんでした。アカウント {account}、リージョン "
            "{region} のルール {rule} に修正が設定されていません（修復設定がありません。"
            "デプロイがまだ届いていない可能性があります）。" + _ADMINS_JA
        ),
        v.NO_PERMISSION: (
            "ScanMonster は修正を開始できませんでした。アカウント {account}、リージョン "
            "{region} の AWS Config に、ルール {rule} の修正を実行する権限が足りません。"
            + _ADMINS_JA
        ),
        v.NOT_STARTED: (
            "ScanMonster は AWS Config にこのリソースの修正を依頼しましたが、修正は開始され"
            "ませんでした。同じリソースの修正が実行中の場合は、それが終わるまで開始できません。"
            "数分後にもう一度実行してください。AWS Config のメッセージ: {message}"
        ),
        v.UNEXPECTED: (
            "予期しないエラーのため、ScanMonster は修正を開始できませんでした。しばらくして"
            "からもう一度実行してください。繰り返し起きる場合は ScanMonster の管理者に"
            "連絡してください（詳細はワンクリック修正の関数のログにあります）。"
        ),
    },
}

_WAIT = {
    "en": ("usually within a few minutes", "at its next scheduled check, within {duration}"),
    "ja": ("通常は数分以内", "次の定期チェック時、最長 {hours} 時間後"),
}
_NO_MESSAGE = {"en": "(no reason given)", "ja": "（理由の記載なし）"}


def note_text(verdict: Verdict, language: str) -> str:
    """The note for one verdict: at most 512 characters."""
    facts = dict(verdict.facts)
    if verdict.reason == v.FIX_STARTED:
        facts["wait"] = wait_sentence(facts.get("hours", ""), language)
        # "2026-11-28T09:05:00Z" (the field's form) -> "2026-11-28 09:05 UTC".
        facts["when"] = facts["time"].replace("T", " ")[:16] + " UTC"
    if verdict.reason == v.NOT_STARTED:
        facts["message"] = " ".join(facts.get("message", "").split()) or _NO_MESSAGE[language]
    return fit(TEXTS[language][verdict.reason].format_map(_Facts(facts)))


_EARLIER = {"en": "Earlier note: ", "ja": "以前のメモ: "}
# Below this many characters of room, an earlier note would be a stub: leave it out.
_EARLIER_MIN = 40


def with_earlier_note(text: str, earlier: str | None, language: str) -> str:
    """The verdict's text, then the finding's earlier note, cut to fit the 512 characters
    (the verdict itself is never cut for it)."""
    if not earlier or NOTE_MAX - len(text) < _EARLIER_MIN + len(_EARLIER[language]):
        return text
    return fit(f"{text}\n\n{_EARLIER[language]}{earlier}")


def wait_sentence(hours: str, language: str) -> str:
    """When AWS Config checks again: after the change for change-triggered checks, else at
    the next periodic evaluation."""
    soon, scheduled = _WAIT[language]
    if not hours:
        return soon
    duration = "1 hour" if hours == "1" else f"{hours} hours"
    return scheduled.format(hours=hours, duration=duration)


class _Facts(dict[str, str]):
    """A missing fact is a bug in the caller; fail naming it rather than print '{x}'."""

    def __missing__(self, key: str) -> str:
        raise KeyError(f"note text needs the fact '{key}'")


def facts_for(
    *,
    check_id: str,
    rule: str,
    document: str,
    account: str,
    region: str,
    role: str,
    change_triggered: bool,
    periodic_frequency: str | None,
) -> Mapping[str, str]:
    """The facts every group-level note may name."""
    hours = "" if change_triggered else str(FREQUENCY_HOURS.get(periodic_frequency or "", 24))
    return {
        "check": check_id,
        "rule": rule,
        "document": document,
        "account": account,
        "region": region,
        "role": role,
        "hours": hours,
    }
