"""ScanMonster: security checks for AWS Organizations as AWS Config custom rules."""

from pathlib import Path

# The repository (or Lambda bundle) root: it holds `rules/` and `tutorials/`.
ROOT = Path(__file__).resolve().parent.parent
