"""The scan as ONE self-contained HTML page, for someone who is not an AWS expert.

Inline CSS and an inline SVG chart; no script, no font, no image, nothing fetched: the file
can be mailed, archived or opened offline and reads the same. Every text that comes from
AWS (account names, resource ids, annotations, error messages) is escaped: a bucket named
`<script>` shows as text. Tutorials are our own Markdown, rendered with python-markdown.

Reading order: what was scanned; how bad it is (totals, chart, per account); where (the
accounts x checks matrix); what could not be checked; then, per failed check, the resources
and how to fix them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from html import escape

from scanmonster.metadata import SEVERITIES, Check
from scanmonster.rendering import render_markdown
from scanmonster.report import summary
from scanmonster.report.chart import bar_chart
from scanmonster.report.common import lookup, standards_text, tutorial_url
from scanmonster.report.labels import labels
from scanmonster.scan.model import NON_COMPLIANT, Result, ScanReport
from scanmonster.tutorials import SECTIONS, Tutorial, load_tutorial

# Background, text colour per severity: darker for worse, readable text on each.
SEVERITY_COLOURS = {
    "CRITICAL": ("#a4161a", "#ffffff"),
    "HIGH": ("#e5533d", "#ffffff"),
    "MEDIUM": ("#f4a259", "#1b1f23"),
    "LOW": ("#f6d96b", "#1b1f23"),
    "INFORMATIONAL": ("#b8c2cc", "#1b1f23"),
}
# Shown even at zero: a non-expert reads "0 critical" as good news, not as a gap.
ALWAYS_SHOWN = ("CRITICAL", "HIGH", "MEDIUM", "LOW")
PRIORITIES = 5  # failed checks listed under "where to start"

_CSS = """
:root { --ink: #1b1f23; --muted: #57606a; --line: #d0d7de; --soft: #f6f8fa;
  --pass-bg: #dafbe1; --pass-ink: #116329; --err-bg: #efe5ff; --err-ink: #5a32a3;
  --none-bg: #f6f8fa; --none-ink: #8c959f; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", "Hiragino Sans", "Noto Sans CJK JP",
  "Noto Sans JP", Meiryo, sans-serif; color: var(--ink); margin: 0; line-height: 1.6;
  background: #ffffff; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem 1.5rem 3rem; }
header.top { background: #24292f; color: #ffffff; }
header.top .inner { max-width: 72rem; margin: 0 auto; padding: 1.5rem; }
header.top h1 { margin: 0 0 0.4rem; font-size: 1.8rem; }
header.top p { margin: 0 0 1rem; color: #d0d7de; max-width: 52rem; }
.facts { display: flex; flex-wrap: wrap; gap: 0.5rem 2rem; margin: 0; }
.facts div { min-width: 8rem; }
.facts dt { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.04em;
  color: #afb8c1; }
.facts dd { margin: 0; font-weight: 600; }
h2 { font-size: 1.4rem; margin: 2.5rem 0 0.8rem; padding-bottom: 0.3rem;
  border-bottom: 1px solid var(--line); }
section:first-child h2 { margin-top: 0.5rem; }
h3 { font-size: 1.2rem; margin: 0 0 0.4rem; }
td.region { white-space: nowrap; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr));
  gap: 1rem; margin: 1rem 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 0.8rem 1rem;
  background: #ffffff; }
.card .number { font-size: 2.2rem; font-weight: 700; line-height: 1.2; }
.card .label { color: var(--muted); }
.card.failed { border-left: 6px solid #a4161a; }
.card.errors { border-left: 6px solid var(--err-ink); }
.card.passed { border-left: 6px solid var(--pass-ink); }
.card.na { border-left: 6px solid var(--none-ink); }
.banner { border-radius: 8px; padding: 1rem 1.2rem; margin: 1rem 0; font-size: 1.1rem; }
.banner.ok { background: var(--pass-bg); color: var(--pass-ink); border: 1px solid #4ac26b; }
.banner.warn { background: var(--err-bg); color: var(--err-ink); border: 1px solid #8250df; }
.banner strong { display: block; font-size: 1.3rem; }
/* The account table sits beside the chart when it fits, below it otherwise. */
.overview { display: flex; flex-wrap: wrap; gap: 1.5rem 2.5rem; align-items: flex-start; }
.overview figure { flex: 0 0 auto; }
.priorities { flex: 1 1 22rem; }
.priorities h3 { font-size: 1rem; margin: 0 0 0.5rem; }
.priorities ol { margin: 0; padding-left: 1.4rem; }
.priorities li { margin-bottom: 0.45rem; }
.priorities a { color: var(--ink); }
table.by-account { margin-top: 1.5rem; }
table.by-account { font-size: 0.92rem; width: 100%; }
table.by-account thead th { font-size: 0.85rem; vertical-align: bottom; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
figure { margin: 0; }
figcaption { font-weight: 600; margin-bottom: 0.3rem; }
svg.chart text { font: 14px system-ui, "Noto Sans CJK JP", sans-serif; fill: var(--ink); }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: 0.35rem 0.6rem; text-align: left;
  vertical-align: top; }
thead th { background: var(--soft); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; }
.muted { color: var(--muted); }
small.name { display: block; color: var(--muted); font-weight: 400; }
table.matrix th.check { height: 15rem; vertical-align: bottom; padding: 0.4rem 0.2rem;
  width: 4.6rem; min-width: 4.6rem; }
table.matrix th.check a, table.matrix th.check span.vertical { writing-mode: vertical-rl;
  transform: rotate(180deg); white-space: nowrap; font-weight: 500; font-size: 0.85rem;
  color: inherit; text-decoration: none; margin: 0 auto; display: block; }
table.matrix th.check a:hover { text-decoration: underline; }
table.matrix td.cell { text-align: center; white-space: nowrap; font-weight: 600;
  font-variant-numeric: tabular-nums; width: 4.6rem; min-width: 4.6rem; }
.dot { display: block; width: 0.7rem; height: 0.7rem; border-radius: 50%;
  margin: 0.4rem auto 0; }
td.cell.passed { background: var(--pass-bg); color: var(--pass-ink); }
td.cell.error { background: var(--err-bg); color: var(--err-ink);
  background-image: repeating-linear-gradient(135deg, transparent 0 6px,
  rgba(130, 80, 223, 0.15) 6px 12px); }
td.cell.none { background: var(--none-bg); color: var(--none-ink); font-weight: 400; }
td.cell .err { display: block; font-size: 0.75rem; white-space: normal; line-height: 1.2; }
.legend { display: flex; flex-wrap: wrap; gap: 0.4rem 1.2rem; margin: 0.6rem 0;
  font-size: 0.9rem; }
.legend span.swatch { display: inline-block; width: 1rem; height: 1rem; border-radius: 3px;
  vertical-align: -0.15rem; margin-right: 0.3rem; border: 1px solid rgba(0, 0, 0, 0.1); }
.badge { display: inline-block; border-radius: 999px; padding: 0 0.6rem; font-size: 0.85rem;
  font-weight: 600; vertical-align: 0.15rem; margin-right: 0.4rem; }
article.check { border: 1px solid var(--line); border-left-width: 6px; border-radius: 8px;
  padding: 1rem 1.2rem; margin: 1.2rem 0; }
article.check .meta { color: var(--muted); font-size: 0.9rem; margin: 0 0 0.6rem; }
article.check .summary { background: #fff8c5; border-radius: 6px; padding: 0.7rem 1rem; }
article.check h4 { margin: 1rem 0 0.4rem; }
article.check table.resources { width: 100%; font-size: 0.92rem; }
td.resource { font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
  word-break: break-all; }
details { margin: 0.8rem 0; border: 1px solid var(--line); border-radius: 6px;
  padding: 0.4rem 1rem; }
details summary { font-weight: 600; cursor: pointer; }
pre { background: var(--soft); padding: 0.8rem; overflow-x: auto; border-radius: 6px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.9em; }
a.tutorial { font-weight: 600; }
table.errors td.message { color: var(--err-ink); }
footer { color: var(--muted); font-size: 0.85rem; margin-top: 3rem; }
@media print { header.top { background: none; color: var(--ink); }
  header.top p, .facts dt { color: var(--muted); } article.check { break-inside: avoid; } }
"""


def render_html(
    report: ScanReport,
    registry: Mapping[str, Check],
    *,
    language: str,
    tutorial_base_url: str,
) -> str:
    """The whole page. Page labels and tutorial content are in `language` ("en" or "ja")."""
    words = labels(language)
    page = _Page(report, registry, language, tutorial_base_url, words)
    body = "\n".join(
        [
            page.header(),
            "<main>",
            page.overview(),
            page.matrix(),
            page.errors(),
            page.failed_checks(),
            f"<footer><p>{escape(words['generated'])}</p></footer>",
            "</main>",
        ]
    )
    return (
        f'<!doctype html>\n<html lang="{escape(language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(words['title'])}</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def when(iso: str) -> str:
    """'2026-11-28 09:00 UTC' from an ISO 8601 UTC time; anything else as given."""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    suffix = " UTC" if moment.utcoffset() is not None and not moment.utcoffset() else ""
    return moment.strftime("%Y-%m-%d %H:%M") + suffix


def severity_badge(severity: str, words: Mapping[str, str]) -> str:
    background, ink = SEVERITY_COLOURS.get(severity, SEVERITY_COLOURS["INFORMATIONAL"])
    return (
        f'<span class="badge sev-{escape(severity)}" style="background:{background};'
        f'color:{ink}">{escape(words.get(severity, severity))}</span>'
    )


class _Page:
    def __init__(
        self,
        report: ScanReport,
        registry: Mapping[str, Check],
        language: str,
        base_url: str,
        words: Mapping[str, str],
    ) -> None:
        self.report = report
        self.registry = registry
        self.language = language
        self.base_url = base_url
        self.words = words
        self.accounts = summary.account_ids(report)
        self.names = {a.id: a.name for a in report.accounts}
        self.check_ids = summary.check_ids(report)
        self.checks = {c: lookup(registry, c) for c in self.check_ids}
        self.tutorials: dict[str, Tutorial] = {}

    def tutorial(self, check_id: str) -> Tutorial:
        if check_id not in self.tutorials:
            self.tutorials[check_id] = load_tutorial(check_id, self.language)
        return self.tutorials[check_id]

    def account_label(self, account_id: str, *, block: bool = True) -> str:
        name = self.names.get(account_id, "")
        if not name:
            return escape(account_id)
        if block:
            return f'{escape(account_id)}<small class="name">{escape(name)}</small>'
        return f"{escape(account_id)} ({escape(name)})"

    def severities(self, counts: Mapping[str, int]) -> list[str]:
        return [s for s in SEVERITIES if s in ALWAYS_SHOWN or counts.get(s)]

    # -- header and overview ---------------------------------------------------------------

    def header(self) -> str:
        w, r = self.words, self.report
        scanned = when(r.started_at)
        if r.finished_at:
            end = when(r.finished_at)
            if end[:10] == scanned[:10] and len(end) > 10:  # same day: "09:00–09:02 UTC"
                scanned = f"{scanned.removesuffix(' UTC')}–{end[11:]}"
            else:
                scanned = f"{scanned} – {end}"
        facts = [
            (w["scanned_at"], escape(scanned)),
            (w["accounts"], str(len(self.accounts))),
            (w["regions"], escape(", ".join(r.regions)) or "–"),
            (w["checks"], str(len(self.check_ids))),
        ]
        items = "".join(
            f'<div><dt>{escape(term)}</dt><dd data-fact="{i}">{value}</dd></div>'
            for i, (term, value) in enumerate(facts)
        )
        return (
            f'<header class="top"><div class="inner"><h1>{escape(w["title"])}</h1>'
            f'<p>{escape(w["intro"])}</p><dl class="facts">{items}</dl></div></header>'
        )

    def overview(self) -> str:
        w = self.words
        total = summary.totals(self.report)
        cards = "".join(
            f'<div class="card {css}"><div class="number" data-total="{css}">{value}</div>'
            f'<div class="label">{escape(label)}</div></div>'
            for css, value, label in (
                ("failed", total.failed, w["failed_findings"]),
                ("errors", total.errors, w["errors"]),
                ("passed", total.passed, w["passed"]),
                ("na", total.not_applicable, w["not_applicable"]),
            )
        )
        if not self.report.results:
            banner = f'<div class="banner warn" id="status">{escape(w["no_results"])}</div>'
        elif total.failed == 0 and total.errors == 0:
            banner = (
                f'<div class="banner ok" id="status"><strong>✓ {escape(w["all_passed"])}'
                f"</strong>{escape(w['all_passed_help'])}</div>"
            )
        elif total.failed == 0:
            banner = (
                f'<div class="banner warn" id="status"><strong>⚠ {escape(w["errors_title"])}'
                f"</strong>{escape(w['nothing_failed_but_errors'])}</div>"
            )
        else:
            banner = ""
        by_severity = summary.failed_by_severity(self.report, self.registry)
        shown = self.severities(by_severity)
        chart = bar_chart(
            w["chart_title"],
            [(w[s], by_severity[s], SEVERITY_COLOURS[s][0]) for s in shown],
        )
        figure = (
            f'<figure id="chart"><figcaption>{escape(w["chart_title"])}</figcaption>'
            f"{chart}</figure>"
        )
        return (
            f'<section id="overview"><h2>{escape(w["overview"])}</h2>{banner}'
            f'<div class="cards">{cards}</div>'
            f'<div class="overview">{figure}{self.priorities()}</div>'
            f"{self.account_table(shown)}</section>"
        )

    def priorities(self) -> str:
        """The first failed checks to look at, most severe first, linking to their fix."""
        checks = summary.failed_checks(self.report, self.registry)
        if not checks:
            return ""
        failures = Counter(r.check_id for r in self.report.failed())
        items = "".join(
            f"<li>{severity_badge(check.severity, self.words)}"
            f'<a href="#check-{escape(check.id)}">{escape(self.tutorial(check.id).title)}</a> '
            f'<span class="muted">({failures[check.id]})</span></li>'
            for check in checks[:PRIORITIES]
        )
        return (
            f'<nav class="priorities"><h3>{escape(self.words["start_with"])}</h3>'
            f"<ol>{items}</ol></nav>"
        )

    def account_table(self, shown: Sequence[str]) -> str:
        w = self.words
        by_severity = summary.failed_by_account_severity(self.report, self.registry)
        counts = summary.by_account(self.report)
        head = "".join(f'<th class="num">{severity_badge(s, w)}</th>' for s in shown)
        rows = []
        for account in self.accounts:
            failed = by_severity.get(account, {})
            c = counts.get(account, summary.Counts())
            cells = "".join(f'<td class="num">{failed.get(s, 0)}</td>' for s in shown)
            rows.append(
                f'<tr data-account="{escape(account)}"><th scope="row">'
                f"{self.account_label(account)}</th>{cells}"
                f'<td class="num" data-col="failed"><strong>{c.failed}</strong></td>'
                f'<td class="num" data-col="errors">{c.errors}</td>'
                f'<td class="num" data-col="passed">{c.passed}</td></tr>'
            )
        return (
            f'<div class="scroll"><table class="by-account" id="by-account">'
            f"<caption>{escape(w['by_account'])}</caption>"
            f'<thead><tr><th scope="col">{escape(w["account"])}</th>{head}'
            f'<th class="num" scope="col">{escape(w["failed_findings"])}</th>'
            f'<th class="num" scope="col">{escape(w["errors"])}</th>'
            f'<th class="num" scope="col">{escape(w["passed"])}</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )

    # -- the matrix --------------------------------------------------------------------------

    def matrix(self) -> str:
        w = self.words
        cells = summary.matrix(self.report)
        failed_ids = {r.check_id for r in self.report.failed()}
        heads = []
        for check_id in self.check_ids:
            check = self.checks[check_id]
            colour = SEVERITY_COLOURS.get(check.severity, SEVERITY_COLOURS["INFORMATIONAL"])[0]
            title = f"{self.tutorial(check_id).title} ({w.get(check.severity, check.severity)})"
            text = escape(check_id)
            # Failed checks link to their section below; the others have none.
            label = (
                f'<a href="#check-{text}">{text}</a>'
                if check_id in failed_ids
                else f'<span class="vertical">{text}</span>'
            )
            heads.append(
                f'<th scope="col" class="check" data-check="{text}" title="{escape(title)}">'
                f'{label}<span class="dot" style="background:{colour}"></span></th>'
            )
        rows = []
        for account in self.accounts:
            row = "".join(
                self.cell(account, check_id, cells.get((account, check_id)))
                for check_id in self.check_ids
            )
            rows.append(
                f'<tr data-account="{escape(account)}"><th scope="row">'
                f"{self.account_label(account)}</th>{row}</tr>"
            )
        legend = "".join(
            f'<span><span class="swatch" style="background:{SEVERITY_COLOURS[s][0]}"></span>'
            f"{escape(w['cell_failed'])}: {escape(w[s])}</span>"
            for s in ALWAYS_SHOWN
        )
        legend += (
            f'<span><span class="swatch" style="background:var(--pass-bg)"></span>✓ '
            f"{escape(w['legend_passed'])}</span>"
            f'<span><span class="swatch" style="background:var(--err-bg)"></span>⚠ '
            f"{escape(w['legend_error'])}</span>"
            f'<span><span class="swatch" style="background:var(--none-bg)"></span>– '
            f"{escape(w['legend_none'])}</span>"
        )
        return (
            f'<section id="matrix-section"><h2>{escape(w["matrix"])}</h2>'
            f'<p class="muted">{escape(w["matrix_help"])}</p>'
            f'<div class="legend">{legend}</div>'
            f'<div class="scroll"><table class="matrix" id="matrix"><thead><tr>'
            f'<th scope="col">{escape(w["account"])}</th>{"".join(heads)}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div></section>"
        )

    def cell(self, account: str, check_id: str, counts: summary.Counts | None) -> str:
        w = self.words
        c = counts or summary.Counts()
        check = self.checks[check_id]
        parts = [
            f"{c.failed} {w['cell_failed']}",
            f"{c.passed} {w['cell_passed']}",
        ]
        if c.errors:
            parts.append(f"{c.errors} {w['cell_errors']}")
        if c.not_applicable:
            parts.append(f"{c.not_applicable} {w['cell_not_applicable']}")
        if c.regions:
            parts.append(", ".join(sorted(c.regions)))
        title = f"{account} · {check_id}: " + ", ".join(parts)
        style = ""
        ratio = f'<span class="count">{c.failed} / {c.evaluated}</span>'
        errors = w["error_one" if c.errors == 1 else "error_many"].format(n=c.errors)
        error_mark = f'<span class="err">⚠ {escape(errors)}</span>'
        if c.failed:
            status = "failed"
            background, ink = SEVERITY_COLOURS.get(
                check.severity, SEVERITY_COLOURS["INFORMATIONAL"]
            )
            style = f' style="background:{background};color:{ink}"'
            content = f"✗ {ratio}" + (error_mark if c.errors else "")
        elif c.errors:
            # Never green: a check that could not run tells nothing about the account.
            status = "error"
            content = (ratio if c.evaluated else "") + error_mark
        elif c.evaluated:
            status = "passed"
            content = f"✓ {ratio}"
        else:
            status = "none"
            title = f"{account} · {check_id}: {w['cell_none']}"
            if c.not_applicable:
                title = f"{account} · {check_id}: {c.not_applicable} {w['cell_not_applicable']}"
            content = "–"
        return (
            f'<td class="cell {status}"{style} data-check="{escape(check_id)}" '
            f'data-status="{status}" data-failed="{c.failed}" data-evaluated="{c.evaluated}" '
            f'data-errors="{c.errors}" title="{escape(title)}">{content}</td>'
        )

    # -- errors and failed checks ----------------------------------------------------------

    def errors(self) -> str:
        w = self.words
        errors = self.report.errors()
        if not errors:
            return ""
        rows = "".join(
            f"<tr><td>{self.account_label(e.account_id, block=False)}</td>"
            f'<td class="region">{escape(e.region)}</td><td><code>{escape(e.check_id)}</code></td>'
            f'<td class="message">{escape(e.annotation)}</td></tr>'
            for e in sorted(errors, key=lambda e: (e.account_id, e.region, e.check_id))
        )
        return (
            f'<section id="errors"><h2>⚠ {escape(w["errors_title"])}</h2>'
            f'<div class="banner warn">{escape(w["errors_help"])}</div>'
            f'<div class="scroll"><table class="errors"><thead><tr>'
            f"<th>{escape(w['account'])}</th><th>{escape(w['region'])}</th>"
            f"<th>{escape(w['check'])}</th><th>{escape(w['message'])}</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div></section>"
        )

    def failed_checks(self) -> str:
        checks = summary.failed_checks(self.report, self.registry)
        if not checks:
            return ""
        failures: dict[str, list[Result]] = {}
        for result in self.report.results:
            if result.compliance == NON_COMPLIANT:
                failures.setdefault(result.check_id, []).append(result)
        articles = "".join(self.failed_check(check, failures[check.id]) for check in checks)
        return (
            f'<section id="failed"><h2>{escape(self.words["failed_checks"])}</h2>'
            f"{articles}</section>"
        )

    def failed_check(self, check: Check, results: list[Result]) -> str:
        w = self.words
        tutorial = self.tutorial(check.id)
        colour = SEVERITY_COLOURS.get(check.severity, SEVERITY_COLOURS["INFORMATIONAL"])[0]
        rows = "".join(
            f"<tr><td>{self.account_label(r.account_id, block=False)}</td>"
            f'<td class="region">{escape(r.region)}</td>'
            f'<td class="resource">{escape(r.resource_id)}</td>'
            f"<td>{escape(r.annotation)}</td></tr>"
            for r in sorted(results, key=lambda r: (r.account_id, r.region, r.resource_id))
        )
        accounts = len({r.account_id for r in results})
        count = w["failed_in_accounts"].format(failed=len(results), accounts=accounts)
        link = tutorial_url(self.base_url, self.language, check.id)
        return (
            f'<article class="check" id="check-{escape(check.id)}" data-check="{escape(check.id)}"'
            f' style="border-left-color:{colour}">'
            f"<h3>{severity_badge(check.severity, w)}{escape(tutorial.title)}</h3>"
            f'<p class="meta"><code>{escape(check.id)}</code> · {escape(w["standards"])}: '
            f"{escape(standards_text(check))} · {escape(count)}</p>"
            f'<p class="summary">{escape(tutorial.summary)}</p>'
            f"<h4>{escape(w['affected'])}</h4>"
            f'<div class="scroll"><table class="resources"><thead><tr>'
            f"<th>{escape(w['account'])}</th><th>{escape(w['region'])}</th>"
            f"<th>{escape(w['resource'])}</th><th>{escape(w['finding'])}</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>"
            f'<details class="fix" open><summary>{escape(SECTIONS[self.language]["fix"])}'
            f"</summary>{render_markdown(tutorial.sections['fix'], heading_offset=3)}</details>"
            f'<p><a class="tutorial" href="{escape(link)}">{escape(w["full_tutorial"])} →</a></p>'
            "</article>"
        )
