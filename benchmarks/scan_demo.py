"""Local scan speed on the demo organization at several sizes, in one run.

Prints, per size: resources evaluated, seconds, milliseconds per resource and API calls
per resource. Time per resource should stay flat (linear growth), and API calls per
resource must not grow with the number of checks: each resource type is read once per
account and region, however many checks evaluate it.

    .venv/bin/python benchmarks/scan_demo.py [scales...]     (default: 1 5 20)
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanmonster.registry import load_registry  # noqa: E402
from scanmonster.scan.accounts import organization_targets  # noqa: E402
from scanmonster.scan.demo import build_demo_organization, start_moto_server  # noqa: E402
from scanmonster.scan.scanner import Scanner  # noqa: E402


class RequestCounter(logging.Handler):
    """Counts the requests the moto server answers (werkzeug logs one line each)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def scan_once(scale: int, check_ids: list[str] | None = None) -> tuple[int, float, int]:
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_SESSION_TOKEN="bench",
        AWS_DEFAULT_REGION="ap-northeast-1",
    )
    server, endpoint = start_moto_server()
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    werkzeug = logging.getLogger("werkzeug")
    werkzeug.propagate = False
    counter = RequestCounter()
    saved_handlers = werkzeug.handlers
    try:
        demo = build_demo_organization(endpoint, scale=scale)
        registry = load_registry()
        checks = [registry[c] for c in check_ids] if check_ids else list(registry.values())
        targets = organization_targets(demo.session(demo.management_account_id), demo.role_name)
        saved_handlers, werkzeug.handlers = werkzeug.handlers, [counter]  # count, don't print
        werkzeug.setLevel(logging.INFO)
        start = time.perf_counter()
        report = Scanner(checks, demo.regions, workers=4).scan(targets)
        elapsed = time.perf_counter() - start
    finally:
        werkzeug.handlers = saved_handlers
        werkzeug.setLevel(logging.WARNING)
        server.stop()
    resources = len({(r.account_id, r.region, r.resource_id) for r in report.results})
    return resources, elapsed, counter.count


def main(scales: list[int]) -> int:
    print(
        f"{'scale':>5} {'resources':>9} {'seconds':>8} {'ms/resource':>12} {'calls':>7} "
        f"{'calls/resource':>15}"
    )
    rates = []
    for scale in scales:
        resources, seconds, calls = scan_once(scale)
        rates.append(seconds / resources)
        print(
            f"{scale:>5} {resources:>9} {seconds:>8.2f} {seconds / resources * 1000:>12.1f} "
            f"{calls:>7} {calls / resources:>15.2f}"
        )
    print(
        f"time per resource, largest / smallest size: {rates[-1] / rates[0]:.2f} "
        "(about 1 or below: linear)"
    )
    # One check per resource type, then every check of those types: the calls must match.
    one_each = ["s3_bucket_public_access_blocked", "ec2_security_group_admin_ports_restricted"]
    all_of_them = [*one_each, "s3_bucket_ssl_requests_only", "ec2_default_security_group_closed"]
    _, _, calls_one = scan_once(scales[0], one_each)
    _, _, calls_all = scan_once(scales[0], all_of_them)
    print(
        f"API calls, S3 + EC2 security groups at scale {scales[0]}: {calls_one} with one check "
        f"per type, {calls_all} with two checks per type "
        f"({'same: items are read once per type' if calls_one == calls_all else 'DIFFERENT'})"
    )
    return 0 if calls_one == calls_all else 1


if __name__ == "__main__":
    sys.exit(main([int(a) for a in sys.argv[1:]] or [1, 5, 20]))
