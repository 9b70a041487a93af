"""`scanmonster`: run the checks locally, try the demo, render reports, read tutorials.

scanmonster demo                       an organization on a local moto server, no AWS
scanmonster scan [--profile P] [--regions a,b] [--checks id,...]
                 [--organization | --accounts 1111,2222] [--role NAME]
scanmonster report scan.json           re-render a report from its ASFF JSON
scanmonster checks                     the checks, their severity and standards
scanmonster tutorial ID [--lang ja]    a check's tutorial in the terminal
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import boto3
from botocore.exceptions import BotoCoreError, ProfileNotFound
from rich.console import Console
from rich.markdown import Markdown
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from scanmonster.metadata import Check
from scanmonster.registry import Registry, load_registry
from scanmonster.scan.model import ScanReport
from scanmonster.tutorials import LANGUAGES, load_tutorial

DEFAULT_OUTPUT = Path("scanmonster-report")
DEFAULT_ROLE = "OrganizationAccountAccessRole"
# Where the report links tutorials when no site of the team's is given: the rendered
# pages written beside the report.
LOCAL_TUTORIALS = "tutorials"

console = Console(stderr=True)


class UsageError(Exception):
    """Bad input from the command line: the message says what is valid."""


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scanmonster", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    def add_output(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--output",
            type=Path,
            default=DEFAULT_OUTPUT,
            help=f"folder for report.html, findings.json, findings.csv (default: {DEFAULT_OUTPUT})",
        )
        sub.add_argument("--lang", choices=LANGUAGES, default="en", help="report language")
        sub.add_argument(
            "--tutorial-url",
            default=None,
            help="base URL of published tutorials (default: pages beside the report)",
        )

    scan = commands.add_parser("scan", help="scan AWS accounts with the current credentials")
    scan.add_argument("--profile", help="AWS profile (default: the standard AWS environment)")
    scan.add_argument("--regions", help="comma-separated regions (default: the profile's)")
    scan.add_argument("--checks", help="comma-separated check ids (default: all)")
    scope = scan.add_mutually_exclusive_group()
    scope.add_argument(
        "--organization",
        action="store_true",
        help="every active account of the organization (from the management "
        "or a delegated administrator account)",
    )
    scope.add_argument("--accounts", help="comma-separated account ids to scan through --role")
    scan.add_argument(
        "--role",
        default=DEFAULT_ROLE,
        help=f"role to assume in each other account (default: {DEFAULT_ROLE})",
    )
    scan.add_argument("--workers", type=int, default=4, help="accounts x regions in parallel")
    add_output(scan)

    demo = commands.add_parser("demo", help="scan a sample organization on a local moto server")
    demo.add_argument("--scale", type=int, default=1, help="resources per kind, multiplied")
    add_output(demo)

    report = commands.add_parser(
        "report", help="re-render the report from findings JSON, or from Security Hub"
    )
    source = report.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "findings", type=Path, nargs="?", help="findings.json written by scan or demo"
    )
    source.add_argument(
        "--from-securityhub",
        action="store_true",
        help="the deployed checks' findings, from Security Hub in the security "
        "account (its aggregation region: --region)",
    )
    report.add_argument("--profile", help="AWS profile of the security account")
    report.add_argument("--region", help="Security Hub's aggregation region")
    add_output(report)

    commands.add_parser("checks", help="list the checks")
    tutorial = commands.add_parser("tutorial", help="print a check's tutorial")
    tutorial.add_argument("check_id")
    tutorial.add_argument("--lang", choices=LANGUAGES, default="en")
    return parser.parse_args(argv)


def select_checks(registry: Registry, text: str | None) -> list[Check]:
    if not text:
        return list(registry.values())
    wanted = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [c for c in wanted if c not in registry]
    if unknown:
        raise UsageError(f"unknown check {', '.join(unknown)}; valid ids: {', '.join(registry)}")
    return [registry[c] for c in wanted]


def split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def run_scan(
    scanner_checks: list[Check],
    regions: list[str],
    targets: list,
    workers: int,
) -> ScanReport:
    from scanmonster.scan.scanner import Scanner

    with Progress(
        TextColumn("[bold]Scanning[/] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task("accounts x regions", total=len(targets) * len(regions))
        scanner = Scanner(
            scanner_checks,
            regions,
            workers=workers,
            on_progress=lambda label: progress.advance(task),
        )
        return scanner.scan(targets)


def command_scan(args: argparse.Namespace, registry: Registry) -> ScanReport:
    from scanmonster.scan.accounts import current_target, organization_targets

    checks = select_checks(registry, args.checks)
    try:
        session = boto3.Session(profile_name=args.profile) if args.profile else boto3.Session()
    except ProfileNotFound as problem:
        raise UsageError(str(problem)) from None
    regions = split(args.regions) or [session.region_name or "us-east-1"]
    if args.organization or args.accounts:
        targets = organization_targets(
            session, args.role, split(args.accounts) if args.accounts else None
        )
    else:
        targets = [current_target(session)]
    return run_scan(checks, regions, targets, args.workers)


def command_pull(args: argparse.Namespace) -> ScanReport:
    from scanmonster.scan.accounts import current_target
    from scanmonster.scan.outputs import pull_findings

    try:
        session = boto3.Session(profile_name=args.profile) if args.profile else boto3.Session()
    except ProfileNotFound as problem:
        raise UsageError(str(problem)) from None
    current_target(session)  # a clear message when there are no credentials
    region = args.region or session.region_name
    if not region:
        raise UsageError("give --region: Security Hub's aggregation region")
    return pull_findings(session, region)


def command_demo(args: argparse.Namespace, registry: Registry) -> ScanReport:
    from scanmonster.scan.accounts import organization_targets
    from scanmonster.scan.demo import build_demo_organization, start_moto_server

    server, endpoint = start_moto_server()
    saved = {k: os.environ.get(k) for k in _DEMO_ENVIRONMENT}
    try:
        # Everything goes to the local server, with throwaway credentials.
        os.environ.update(_DEMO_ENVIRONMENT, AWS_ENDPOINT_URL=endpoint)
        console.print(f"Building a sample organization on a local moto server ({endpoint})")
        demo = build_demo_organization(endpoint, scale=args.scale)
        # From the management account, as a team would scan its organization.
        management = demo.session(demo.management_account_id)
        targets = organization_targets(
            management, demo.role_name, [a.id for a in demo.all_accounts()]
        )
        return run_scan(list(registry.values()), list(demo.regions), targets, workers=4)
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


_DEMO_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "demo",
    "AWS_SECRET_ACCESS_KEY": "demo",
    "AWS_SESSION_TOKEN": "demo",
    "AWS_DEFAULT_REGION": "ap-northeast-1",
    "AWS_ENDPOINT_URL": "",
}


def command_checks(registry: Registry) -> None:
    table = Table(title="ScanMonster checks")
    # The id is what people copy into --checks or cdk.json: never cut short.
    table.add_column("Check", no_wrap=True, min_width=max(len(c) for c in registry))
    for column in ("Title", "Severity", "Standards"):
        table.add_column(column)
    # A document name is looked up in the SSM console: folded, never cut short.
    table.add_column("Fix (SSM document)", overflow="fold")
    for check in registry.values():
        standards = "; ".join(f"{k}: {', '.join(v)}" for k, v in check.frameworks.items())
        fix = check.remediation.document if check.remediation else "-"
        table.add_row(check.id, check.title, check.severity, standards, fix)
    Console().print(table)


def command_tutorial(args: argparse.Namespace, registry: Registry) -> None:
    if args.check_id not in registry:
        raise UsageError(f"unknown check {args.check_id}; valid ids: {', '.join(registry)}")
    text = load_tutorial(args.check_id, args.lang).path.read_text(encoding="utf-8")
    Console().print(Markdown(text.split("+++", 2)[2]))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    registry = load_registry()
    try:
        if args.command == "checks":
            command_checks(registry)
            return 0
        if args.command == "tutorial":
            command_tutorial(args, registry)
            return 0
        from scanmonster.scan.accounts import MissingCredentialsError
        from scanmonster.scan.outputs import read_findings, write_outputs

        try:
            if args.command == "scan":
                report = command_scan(args, registry)
            elif args.command == "demo":
                report = command_demo(args, registry)
            elif args.from_securityhub:
                report = command_pull(args)
            else:
                try:
                    report = read_findings(args.findings)
                except (OSError, ValueError) as problem:
                    raise UsageError(f"cannot read {args.findings}: {problem}") from None
        except MissingCredentialsError as problem:
            raise UsageError(str(problem)) from None
        written = write_outputs(
            report, registry, args.output, language=args.lang, tutorial_base_url=args.tutorial_url
        )
        summarize(report, written)
        return 0
    except UsageError as problem:
        console.print(f"[red]error:[/] {problem}")
        return 2
    except BotoCoreError as problem:
        console.print(f"[red]error:[/] {problem}")
        return 1


def summarize(report: ScanReport, written: dict[str, Path]) -> None:
    failed, errors = len(report.failed()), len(report.errors())
    console.print(
        f"{len(report.accounts)} account(s), {len(report.regions)} region(s), "
        f"{len(report.results)} result(s): [red]{failed} failed[/], "
        f"[yellow]{errors} error(s)[/]"
    )
    for kind, path in written.items():
        console.print(f"  {kind}: {path}")


if __name__ == "__main__":
    sys.exit(main())
