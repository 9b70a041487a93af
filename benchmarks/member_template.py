"""Member template size: what the StackSet deploys, for the current registry and for twice
as many checks, against CloudFormation's limits (500 resources; 1 MB from S3).

    .venv/bin/python benchmarks/member_template.py
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scanmonster.registry import Registry, load_registry  # noqa: E402
from stacks.config import load_config  # noqa: E402
from stacks.deployment import synthesize_member_template  # noqa: E402

MAX_RESOURCES = 500
MAX_TEMPLATE_BYTES = 1024 * 1024  # TemplateURL; a TemplateBody may have 51,200
MAX_BODY_BYTES = 51_200


def doubled(registry: Registry, config):
    """Every check twice (the copies under new ids): the template for 2x the checks."""
    checks = dict(registry)
    settings = dict(config.checks)
    for check_id, check in registry.items():
        copy_id = f"{check_id}_copy"
        checks[copy_id] = dataclasses.replace(check, id=copy_id)
        settings[copy_id] = config.checks[check_id]
    return Registry(checks), dataclasses.replace(config, checks=settings)


def measure(registry: Registry, config) -> tuple[int, int, int]:
    template = synthesize_member_template(config, registry, "code/benchmark.zip")
    return len(config.checks), len(template["Resources"]), len(json.dumps(template))


def main() -> int:
    registry = load_registry()
    settings = json.loads((ROOT / "cdk.json").read_text())["context"]["scanmonster"]
    config = load_config(settings, registry)
    ok = True
    print(
        f"{'checks':>7} {'resources':>10} {'bytes':>10}   limits: {MAX_RESOURCES} resources, "
        f"{MAX_TEMPLATE_BYTES:,} bytes"
    )
    for label, (reg, conf) in (("current", (registry, config)), ("2x", doubled(registry, config))):
        checks, resources, size = measure(reg, conf)
        within = resources <= MAX_RESOURCES and size <= MAX_TEMPLATE_BYTES
        ok = ok and within
        print(
            f"{checks:>7} {resources:>10} {size:>10,}   {label}: "
            f"{'within' if within else 'OVER'} limits; {resources / checks:.1f} resources "
            f"and {size / checks / 1024:.1f} KiB per check"
            f"{'; too large for a TemplateBody' if size > MAX_BODY_BYTES else ''}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
