"""Conditions on whole constructs: the member template deploys to every region, but
account-wide things (global checks, their fixes, IAM roles named once per account) must
exist in the home region only."""

from __future__ import annotations

import aws_cdk as cdk
from constructs import Construct


def only_if(construct: Construct, condition: cdk.CfnCondition) -> None:
    """Every CloudFormation resource under `construct` exists only when `condition` holds."""
    for child in construct.node.find_all():
        if isinstance(child, cdk.CfnResource):
            child.cfn_options.condition = condition
