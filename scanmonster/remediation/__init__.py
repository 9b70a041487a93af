"""Remediation: the SSM Automation documents that fix findings (documents.py, aws_owned.py)
and the one-click action that starts a check's fix from Security Hub (oneclick/)."""
