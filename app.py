#!/usr/bin/env python3
"""ScanMonster's CDK app: `npx cdk deploy --all` (see README, "Deploying to an organization")."""

import aws_cdk as cdk

from stacks.deployment import build

app = cdk.App()
build(app)
app.synth()
