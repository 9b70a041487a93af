"""The Lambda bundles carry what their functions import at run time, from the bundle
itself: not from this repository or from the test environment."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from scanmonster.bundle import (
    findings_bundle_files,
    rule_bundle_files,
    write_bundle_dir,
    write_bundle_zip,
)

RULE_PROBE = """
import sys
bundle = sys.argv[1]
sys.path.insert(0, bundle)
import rdklib
import scanmonster.runtime.handler as handler
runner = handler._runner("s3_bucket_public_access_blocked")
import rules.s3_bucket_public_access_blocked.rule as rule
for module in (rdklib, handler, rule):
    assert module.__file__.startswith(bundle), module.__file__
assert not any(m.startswith(("moto", "pytest", "aws_cdk", "markdown")) for m in sys.modules)
print(type(runner.rule).__module__)
"""

FINDINGS_PROBE = """
import sys
from datetime import date
bundle = sys.argv[1]
sys.path.insert(0, bundle)
sys.modules["rdklib"] = None  # not in this bundle: importing it must not be needed
import scanmonster.findings.handler as handler
import scanmonster.remediation.oneclick.handler as one_click
from scanmonster.acceptance import ACCEPTANCES_FILE, load_acceptances
from scanmonster.registry import load_registry
from scanmonster.tutorials import load_tutorial
assert handler.__file__.startswith(bundle), handler.__file__
assert one_click.__file__.startswith(bundle), one_click.__file__
assert one_click._registry()["s3_bucket_ssl_requests_only"].remediation is not None
registry = load_registry()
assert str(ACCEPTANCES_FILE).startswith(bundle)
load_acceptances(ACCEPTANCES_FILE, registry, today=date.today())
for check_id in registry:
    load_tutorial(check_id, "ja")
print(len(registry))
"""


def run_probe(probe: str, bundle, tmp_path) -> str:
    # Run from an empty folder, so that the repository is not on the import path.
    result = subprocess.run(
        [sys.executable, "-c", probe, str(bundle)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


def test_rule_bundle_runs_a_check_on_its_own(tmp_path) -> None:
    bundle = write_bundle_dir(tmp_path / "rules", rule_bundle_files())
    assert run_probe(RULE_PROBE, bundle, tmp_path) == "rules.s3_bucket_public_access_blocked.rule"


def test_rule_bundle_leaves_out_what_rules_never_use(tmp_path) -> None:
    names = {name for _, name in rule_bundle_files()}
    assert "scanmonster/testing.py" not in names
    assert not any(
        name.startswith(
            (
                "scanmonster/findings/",
                "scanmonster/scan/",
                "scanmonster/report/",
                "tests/",
                "tutorials/",
            )
        )
        for name in names
    )
    assert "scanmonster/cli.py" not in names
    archive = write_bundle_zip(tmp_path / "rules.zip", rule_bundle_files())
    assert sorted(zipfile.ZipFile(archive).namelist()) == sorted(names)


def test_findings_bundle_holds_only_what_the_functions_use(tmp_path) -> None:
    names = {name for _, name in findings_bundle_files()}
    assert not any(
        name.startswith(("scanmonster/scan/", "scanmonster/report/", "rdklib/")) for name in names
    )
    # The one-click function needs no SSM document: Config holds the remediation.
    assert not any(
        name.startswith(("remediations/", "scanmonster/remediation/documents")) for name in names
    )
    assert "risk-acceptances.toml" in names


def test_findings_bundle_reads_registry_tutorials_and_acceptances(tmp_path) -> None:
    bundle = write_bundle_dir(tmp_path / "findings", findings_bundle_files())
    assert int(run_probe(FINDINGS_PROBE, bundle, tmp_path)) >= 13
