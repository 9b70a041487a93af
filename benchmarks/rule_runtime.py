"""Rule runtime figures: cold import time against boto3, bundle size, evaluations per second.

Timings on shared machines are noisy, so the import figure is a ratio of medians measured
in one run, alternating the two imports in fresh interpreters.

    .venv/bin/python benchmarks/rule_runtime.py
"""

from __future__ import annotations

import copy
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanmonster.bundle import rule_bundle_files, write_bundle_zip  # noqa: E402
from scanmonster.registry import load_registry, load_rule_class  # noqa: E402
from scanmonster.runtime.config_item import normalize_configuration_item  # noqa: E402
from scanmonster.runtime.events import build_change_event  # noqa: E402
from scanmonster.runtime.runner import CheckRunner  # noqa: E402

IMPORT_RUNS = 9
IMPORT_TARGET = 1.3
BUNDLE_TARGET = 1024 * 1024
ENV = {"AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1", "PATH": "/usr/bin:/bin"}
TIMER = "import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"


def import_seconds(statement: str) -> float:
    code = TIMER.format(statement=statement)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=ENV, check=True, capture_output=True, text=True
    ).stdout
    return float(out)


def import_ratio() -> tuple[float, float, float]:
    boto3_times, handler_times = [], []
    for _ in range(IMPORT_RUNS):  # alternate, so that machine noise hits both alike
        boto3_times.append(import_seconds("import boto3"))
        handler_times.append(import_seconds("import scanmonster.runtime.handler"))
    boto3_median = statistics.median(boto3_times)
    handler_median = statistics.median(handler_times)
    return boto3_median, handler_median, handler_median / boto3_median


def bundle_size() -> int:
    with tempfile.TemporaryDirectory() as folder:
        return write_bundle_zip(Path(folder) / "rules.zip", rule_bundle_files()).stat().st_size


def recorded_items_by_type() -> dict[str, list[dict]]:
    items: dict[str, list[dict]] = {}
    for path in sorted((ROOT / "tests" / "fixtures" / "recorded").glob("*.json")):
        item = json.loads(path.read_text(encoding="utf-8"))["configurationItem"]
        if isinstance(item.get("resourceId"), str) and item.get("configurationItemStatus") in (
            "OK",
            "ResourceDiscovered",
        ):
            items.setdefault(item["resourceType"], []).append(item)
    return items


def evaluations_per_second(seconds: float = 0.5) -> list[tuple[str, float, float]]:
    """Per change-triggered check: pure rule logic, and the whole runner (parse, normalize,
    rule, checks on the output), on the real recorded items of its types."""
    items = recorded_items_by_type()
    figures = []
    for check in load_registry().values():
        samples = [i for t in check.resource_types for i in items.get(t, [])]
        if not check.change_triggered or not samples or check.permissions:
            continue  # checks that call AWS per item are bounded by the API, not by us
        rule = load_rule_class(check)()
        params = check.default_parameters()
        normalized = [normalize_configuration_item(copy.deepcopy(i)) for i in samples]
        runner = CheckRunner(check, rule=rule)
        events = [build_change_event(i) for i in samples]
        pure = _rate(rule.evaluate_change, [({}, None, n, params) for n in normalized], seconds)
        whole = _rate(runner.evaluate, [(event,) for event in events], seconds)
        figures.append((check.id, pure, whole))
    return figures


def _rate(call, calls: list[tuple], seconds: float) -> float:
    """Calls per second of `call`, cycling through the argument tuples for `seconds`."""
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        call(*calls[done % len(calls)])
        done += 1
    return done / (time.perf_counter() - start)


def main() -> int:
    boto3_s, handler_s, ratio = import_ratio()
    print(f"import boto3 (median of {IMPORT_RUNS}):         {boto3_s * 1000:7.1f} ms")
    print(f"import rule handler (median of {IMPORT_RUNS}):  {handler_s * 1000:7.1f} ms")
    verdict = "meets" if ratio <= IMPORT_TARGET else "MISSES"
    print(
        f"ratio handler / boto3:                 {ratio:7.2f}   ({verdict} target <= "
        f"{IMPORT_TARGET})"
    )
    size = bundle_size()
    verdict = "meets" if size <= BUNDLE_TARGET else "MISSES"
    print(
        f"rule Lambda bundle (zip, no boto3):    {size / 1024:7.1f} KiB ({verdict} target <= "
        f"{BUNDLE_TARGET // 1024} KiB)"
    )
    print("evaluations per second on recorded items (rule logic / whole runner):")
    for check_id, pure, whole in evaluations_per_second():
        print(f"  {check_id:45s} {pure:10,.0f} / {whole:8,.0f}")
    return 0 if ratio <= IMPORT_TARGET and size <= BUNDLE_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
