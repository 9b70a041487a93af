"""Scans against a local AWS endpoint (moto_server, the demo) through AWS_ENDPOINT_URL.

botocore's endpoint rules put the account id in front of the S3 Control host
(<account>.127.0.0.1:port), which resolves nowhere (inject_host_prefix=False does not help:
the prefix comes from the rules, not from the host-prefix trait). moto routes S3 Control by
its path, so the prefix is dropped, for loopback hosts only: a real AWS endpoint keeps its
account host.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import boto3

LOOPBACK_HOSTS = ("127.0.0.1", "localhost")


def route_s3control_to_loopback(session: boto3.Session) -> boto3.Session:
    session.events.register("before-send.s3-control", _drop_account_host_prefix)
    return session


def _drop_account_host_prefix(request: Any, **_: Any) -> None:
    parts = urlsplit(request.url)
    prefix, _, rest = parts.netloc.partition(".")
    if prefix.isdigit() and len(prefix) == 12 and rest.split(":")[0] in LOOPBACK_HOSTS:
        request.url = urlunsplit(parts._replace(netloc=rest))
