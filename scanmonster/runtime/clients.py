"""The rdklib client factory, with what every ScanMonster client needs.

- botocore adaptive retries (scanmonster.aws.BOTO_CONFIG);
- the Lambda's own role (or the local credentials), never an assumed AWS Config role:
  the rule role is least-privilege, and the same code runs in a member account and in
  the local scanner;
- one client per service and region, built once.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from rdklib import ClientFactory as RdkClientFactory

from scanmonster.aws import BOTO_CONFIG


class ClientFactory(RdkClientFactory):
    def __init__(self, session: boto3.Session | None = None, region: str | None = None) -> None:
        self.session = session or boto3.Session()
        # An explicit region wins, then the session's (profile, AWS_DEFAULT_REGION), then
        # AWS_REGION, which Lambda sets and boto3 itself does not read.
        self.region = region or self.session.region_name or os.environ.get("AWS_REGION")
        super().__init__(role_arn=None, region=self.region, assume_role_mode=False)
        self._clients: dict[tuple[str, str | None], Any] = {}

    def build_client(
        self, service: str, region: str | None = None, assume_role_mode: bool = False
    ) -> Any:
        key = (service, region or self.region)
        if key not in self._clients:
            self._clients[key] = self.session.client(
                service, region_name=key[1], config=BOTO_CONFIG
            )
        return self._clients[key]
