"""AWS::IAM::User: one item per IAM user of the account (IAM is global: awsRegion
"global"; the scanner decides in which region to ask, this collector just lists).

The resource id is the user's UserId, as in Config. configuration carries what Config
records (path, userName, userId, arn, createDate, userPolicyList with URL-encoded policy
documents, groupList, attachedManagedPolicies); like Config, nothing about MFA or console
passwords: the MFA check asks IAM for those itself. Relationships name the user's groups
and customer managed policies by their ids.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from scanmonster.scan.collectors.base import (
    NOT_APPLICABLE_ZONE,
    Context,
    Item,
    collector,
    configuration_item,
    relationship,
    tag_dict,
    timestamp,
)

RESOURCE_TYPE = "AWS::IAM::User"
PERMISSIONS = frozenset({"iam:GetAccountAuthorizationDetails", "iam:ListPolicies"})
GLOBAL_REGION = "global"  # what Config writes as the awsRegion of IAM resources


@collector(RESOURCE_TYPE, permissions=PERMISSIONS)
def collect_users(context: Context) -> list[Item]:
    iam = context.client("iam")
    users, group_ids = [], {}
    # One paginated call returns every user with its inline policies, groups and attached
    # policies, instead of five calls per user.
    pages = iam.get_paginator("get_account_authorization_details").paginate(
        Filter=["User", "Group"]
    )
    for page in pages:
        users += page.get("UserDetailList", [])
        group_ids.update(
            {g["GroupName"]: g.get("GroupId") for g in page.get("GroupDetailList", [])}
        )
    # Config names customer managed policies by id, which the user details do not carry.
    policy_ids = {
        policy["Arn"]: policy.get("PolicyId")
        for page in iam.get_paginator("list_policies").paginate(Scope="Local", OnlyAttached=True)
        for policy in page.get("Policies", [])
    }
    return [_user_item(context, user, group_ids, policy_ids) for user in users]


def _user_item(
    context: Context,
    user: dict[str, Any],
    group_ids: dict[str, str | None],
    policy_ids: dict[str, str | None],
) -> Item:
    groups = user.get("GroupList", [])
    attached = user.get("AttachedManagedPolicies", [])
    relationships = [
        relationship("AWS::IAM::Group", group_ids[g], "Is attached to Group", g)
        for g in groups
        if group_ids.get(g)
    ] + [
        relationship(
            "AWS::IAM::Policy",
            policy_ids[p["PolicyArn"]],
            "Is attached to CustomerManagedPolicy",
            p["PolicyName"],
        )
        for p in attached
        if policy_ids.get(p["PolicyArn"])
    ]
    created = timestamp(user.get("CreateDate"))
    configuration = {
        "path": user.get("Path"),
        "userName": user["UserName"],
        "userId": user["UserId"],
        "arn": user["Arn"],
        "createDate": created,
        "userPolicyList": [
            {"policyName": p["PolicyName"], "policyDocument": _encoded(p.get("PolicyDocument"))}
            for p in user.get("UserPolicyList", [])
        ],
        "groupList": groups,
        "attachedManagedPolicies": [
            {"policyName": p["PolicyName"], "policyArn": p["PolicyArn"]} for p in attached
        ],
    }
    return configuration_item(
        context,
        resource_type=RESOURCE_TYPE,
        resource_id=user["UserId"],
        resource_name=user["UserName"],
        arn=user["Arn"],
        region=GLOBAL_REGION,
        availability_zone=NOT_APPLICABLE_ZONE,
        resource_creation_time=created,
        configuration=configuration,
        supplementary={},
        tags=tag_dict(user.get("Tags")),
        relationships=relationships,
    )


def _encoded(document: Any) -> str | None:
    """Config keeps IAM policy documents URL-encoded, as IAM returns them; boto3 has
    already decoded them into objects, so encode again (the text may differ in spacing)."""
    if document is None:
        return None
    text = document if isinstance(document, str) else json.dumps(document)
    return quote(text, safe="")
