"""Findings runtime (security account): enrich the findings AWS Config sends to Security
Hub for ScanMonster's rules, suppress the ones whose risk was accepted until the acceptance
ends, and notify people of new failures.

We never import findings of our own: Config's integration already creates exactly one
finding per evaluation. We update those in place with BatchUpdateFindings and touch no
other finding (other products, other Config rules).

Modules: asff (reading findings), events (the EventBridge pattern and events), settings,
acceptances (the bundled file at run time), texts (notes and messages, en/ja), plan (what
to change on one finding), delivery (BatchUpdateFindings in batches), notify (SNS),
process (enrich and sweep), handler (the Lambda entry points).
"""
