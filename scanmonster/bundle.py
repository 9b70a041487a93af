"""What ScanMonster's Lambda functions ship.

- The rule bundle (every rule Lambda): the runtime, the checks, and rdklib, which is not in
  the Lambda runtime. One bundle serves every check: each function selects its check with
  SCANMONSTER_CHECK_ID.
- The findings bundle (enrichment, sweep and one-click in the security account): the registry, the
  tutorials and the risk-acceptance file, which the functions read at run time.

boto3/botocore come with the Lambda Python runtime and are never bundled.
"""

from __future__ import annotations

import importlib.util
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

from scanmonster import ROOT

# What each bundle takes from the scanmonster package: an allowlist, so that a new module
# (the CLI, the scanner, the report) never ends up in a Lambda by accident.
_CORE = ("__init__.py", "aws.py", "metadata.py", "registry.py")
RULE_MODULES = (*_CORE, "runtime/")
FINDINGS_MODULES = (
    *_CORE,
    "tutorials.py",
    "acceptance.py",
    "findings/",
    "runtime/errors.py",
    "runtime/__init__.py",
    # The one-click function ships in the same bundle (it reads findings like the others).
    "remediation/__init__.py",
    "remediation/oneclick/",
)

Files = list[tuple[Path, str]]


def _files(
    top: Path,
    archive_top: str,
    suffixes: tuple[str, ...] = (".py", ".toml"),
    only: tuple[str, ...] = ("",),
) -> Iterator[tuple[Path, str]]:
    for path in sorted(top.rglob("*")):
        relative = path.relative_to(top).as_posix()
        if (
            path.is_file()
            and "__pycache__" not in path.parts
            and path.suffix in suffixes
            and relative.startswith(only)
        ):
            yield path, f"{archive_top}/{relative}"


def rule_bundle_files() -> Files:
    """(source file, path inside the bundle) for everything a rule Lambda ships."""
    files = list(_files(ROOT / "scanmonster", "scanmonster", only=RULE_MODULES))
    files += list(_files(ROOT / "rules", "rules"))
    spec = importlib.util.find_spec("rdklib")
    if spec is None or spec.origin is None:
        raise RuntimeError("rdklib is not installed: pip install -r requirements.txt")
    files += list(_files(Path(spec.origin).parent, "rdklib"))
    return files


def findings_bundle_files() -> Files:
    """Everything the findings functions ship: code, check metadata, tutorials, acceptances."""
    files = list(_files(ROOT / "scanmonster", "scanmonster", only=FINDINGS_MODULES))
    files += list(_files(ROOT / "rules", "rules"))
    files += list(_files(ROOT / "tutorials", "tutorials", suffixes=(".md",)))
    files.append((ROOT / "risk-acceptances.toml", "risk-acceptances.toml"))
    return files


def write_bundle_zip(destination: Path, files: Files) -> Path:
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, name in files:
            archive.write(path, name)
    return destination


def write_bundle_dir(destination: Path, files: Files) -> Path:
    """The bundle as a directory (CDK zips it as an asset); replaces what was there."""
    if destination.exists():
        shutil.rmtree(destination)
    for path, name in files:
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return destination
