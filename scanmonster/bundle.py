"""What a rule Lambda ships: the runtime, the checks, and rdklib (not in the Lambda runtime).

boto3/botocore come with the Lambda Python runtime and are not bundled. One bundle serves
every check: each function selects its check with SCANMONSTER_CHECK_ID.
"""

from __future__ import annotations

import importlib.util
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

from scanmonster import ROOT

# Parts of the scanmonster package a Lambda never needs.
_EXCLUDED = {"testing.py", "bundle.py", "tutorials.py"}


def _python_files(top: Path, archive_top: str) -> Iterator[tuple[Path, str]]:
    for path in sorted(top.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".toml"):
            yield path, f"{archive_top}/{path.relative_to(top).as_posix()}"


def bundle_files() -> list[tuple[Path, str]]:
    """(source file, path inside the bundle) for everything a rule Lambda ships."""
    files = [
        (path, name)
        for path, name in _python_files(ROOT / "scanmonster", "scanmonster")
        if Path(name).name not in _EXCLUDED
    ]
    files += list(_python_files(ROOT / "rules", "rules"))
    spec = importlib.util.find_spec("rdklib")
    if spec is None or spec.origin is None:
        raise RuntimeError("rdklib is not installed: pip install -r requirements.txt")
    files += list(_python_files(Path(spec.origin).parent, "rdklib"))
    return files


def write_bundle_zip(destination: Path) -> Path:
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, name in bundle_files():
            archive.write(path, name)
    return destination


def write_bundle_dir(destination: Path) -> Path:
    """The bundle as a directory (CDK zips it as an asset); replaces what was there."""
    if destination.exists():
        shutil.rmtree(destination)
    for path, name in bundle_files():
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return destination
