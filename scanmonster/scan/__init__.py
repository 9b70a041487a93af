"""The local scan: the same checks, run in-process against accounts, without deploying."""
