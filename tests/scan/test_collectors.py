"""Collectors build configuration items exactly as AWS Config records them (against moto).

- every resource type a change-triggered check evaluates has a collector;
- a collected item has the key set of our per-type fixture (tests/fixtures/config_items/),
  recursively, for a resource set up like the fixture's, and no key that no recorded
  event-shaped item of that type has;
- every change-triggered check gives the expected verdict on collected good and bad
  resources, through CheckRunner and a change event, as the scanner will run it;
- listing follows every page, keeps to the region, and an empty account gives no items;
- AWS Config is read where a running recorder records the type, and not otherwise;
- each collector calls exactly the IAM actions it declares, all of them reads.
"""

from __future__ import annotations

import base64
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws
from moto.rds.models import rds_backends

from scanmonster.metadata import PERMISSION, READ_VERBS
from scanmonster.registry import load_registry
from scanmonster.runtime.clients import ClientFactory
from scanmonster.runtime.events import build_change_event
from scanmonster.runtime.runner import CheckRunner
from scanmonster.scan import collectors
from scanmonster.scan.collectors import (
    COLLECTORS,
    CONFIG_PERMISSIONS,
    NoCollectorError,
    collect,
    collector,
    config_items,
)
from scanmonster.scan.collectors.recorded import IncompleteConfigReadError, covers
from scanmonster.testing import RecordingClientFactory
from tests.support import ITEMS, RECORDED, type_folder

REGION = "us-east-1"
OTHER_REGION = "eu-west-1"
ACCOUNT_ID = "123456789012"  # moto's default account

S3 = "AWS::S3::Bucket"
SG = "AWS::EC2::SecurityGroup"
RDS = "AWS::RDS::DBInstance"
KMS = "AWS::KMS::Key"
IAM = "AWS::IAM::User"


# --- helpers -------------------------------------------------------------------------


def gather(factory: ClientFactory, resource_type: str, region: str = REGION) -> list[dict]:
    return collect(resource_type, factory, account_id=ACCOUNT_ID, region=region)


def by_id(items: list[dict]) -> dict[str, dict]:
    return {item["resourceId"]: item for item in items}


def verdict(check_id: str, item: dict, factory: ClientFactory) -> str:
    """The check's verdict on the item, run the way the scanner runs it."""
    evaluations = (
        CheckRunner(load_registry()[check_id], client_factory=factory)
        .evaluate(build_change_event(item))
        .evaluations
    )
    assert len(evaluations) == 1, evaluations
    assert evaluations[0]["ComplianceResourceId"] == item["resourceId"]
    return evaluations[0]["ComplianceType"]


# Values that are maps of user data (tag keys, notification ids) or documents (policies):
# their own keys are not part of the item's shape.
OPAQUE = {
    "tags",
    "supplementaryConfiguration.BucketPolicy.policyText",
    "supplementaryConfiguration.Policy",
    "supplementaryConfiguration.BucketTaggingConfiguration.tagSets[].tags",
    "supplementaryConfiguration.BucketNotificationConfiguration.configurations",
}
# JSON text whose content has a recorded shape of its own.
DECODED = {"supplementaryConfiguration.AccessControlList"}


def paths(value: Any, prefix: str = "") -> set[str]:
    """Every key path of an item: "configuration.ipPermissions[].fromPort", ..."""
    if prefix in OPAQUE:
        return set()
    if prefix in DECODED and isinstance(value, str):
        value = json.loads(value)
    found: set[str] = set()
    if isinstance(value, dict):
        for key, child in value.items():
            path = f"{prefix}.{key}" if prefix else key
            found |= {path} | paths(child, path)
    elif isinstance(value, list):
        for child in value:
            found |= paths(child, f"{prefix}[]")
    return found


def fixture_items(resource_type: str) -> dict[str, dict]:
    """Our per-type fixtures (event dialect), by name."""
    folder = ITEMS / type_folder(resource_type)
    return {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}


def event_shaped_paths(resource_type: str) -> set[str]:
    """Key paths of every event-shaped item of the type we hold: recorded and our own."""
    found: set[str] = set()
    for path in sorted(RECORDED.glob(f"{type_folder(resource_type)}__*.json")):
        recorded = json.loads(path.read_text())
        if recorded["shape"] == "invoking_event" and recorded["configurationItem"].get(
            "configuration"
        ):
            found |= paths(recorded["configurationItem"])
    for item in fixture_items(resource_type).values():
        found |= paths(item)
    return found


class Pager:
    """Makes moto (which answers every list in one go) answer `operation` in pages of
    `size`, with a token, so that a collector that ignores tokens loses resources."""

    def __init__(self, client: Any, operation: str, result_key: str, token: tuple[str, str]):
        self.result_key, (self.token_in, self.token_out) = result_key, token
        self.calls = 0
        self.size = 2
        client.meta.events.register(f"before-parameter-build.*.{operation}", self._request)
        client.meta.events.register(f"after-call.*.{operation}", self._response)

    def _request(self, params: dict, context: dict, **_: Any) -> None:
        self.calls += 1
        context["page_start"] = int(params.pop(self.token_in, None) or 0)

    def _response(self, parsed: dict, context: dict, **_: Any) -> None:
        start, everything = context.get("page_start", 0), parsed.get(self.result_key, [])
        parsed[self.result_key] = everything[start : start + self.size]
        if start + self.size < len(everything):
            parsed[self.token_out] = str(start + self.size)


# --- resources, created with plain boto3 clients (moto is active) ----------------------


def tls_only_policy(bucket: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        }
    )


def make_bucket(
    name: str,
    *,
    region: str = REGION,
    block: tuple[bool, bool, bool, bool] | None = (True, True, True, True),
    tls_only: bool = False,
    tags: dict[str, str] | None = None,
    encrypted: bool = False,
) -> str:
    s3 = boto3.client("s3", region_name=region)
    if region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
    if block is not None:
        keys = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
        s3.put_public_access_block(
            Bucket=name, PublicAccessBlockConfiguration=dict(zip(keys, block, strict=True))
        )
    if tls_only:
        s3.put_bucket_policy(Bucket=name, Policy=tls_only_policy(name))
    if tags:
        s3.put_bucket_tagging(
            Bucket=name, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]}
        )
    if encrypted:
        s3.put_bucket_encryption(
            Bucket=name,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            },
        )
    return name


def default_group(ec2: Any, vpc_id: str) -> str:
    groups = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"]
    return groups[0]["GroupId"]


def default_vpc(ec2: Any) -> str:
    return ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0][
        "VpcId"
    ]


def make_group(name: str, permissions: list[dict], *, region: str = REGION) -> str:
    ec2 = boto3.client("ec2", region_name=region)
    group_id = ec2.create_security_group(
        GroupName=name, Description=f"{name} group", VpcId=default_vpc(ec2)
    )["GroupId"]
    if permissions:
        ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=permissions)
    return group_id


def from_anywhere(protocol: str, port: int) -> dict:
    return {
        "IpProtocol": protocol,
        "FromPort": port,
        "ToPort": port,
        "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
        "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
    }


def default_group_as_created(ec2: Any, vpc_id: str) -> str:
    """A VPC's default group as AWS creates it: all traffic in from its own members (moto
    leaves that rule out) and all traffic out."""
    group_id = default_group(ec2, vpc_id)
    ec2.authorize_security_group_ingress(
        GroupId=group_id,
        IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group_id}]}],
    )
    return group_id


def make_db(name: str, *, public: bool) -> str:
    ec2 = boto3.client("ec2", region_name=REGION)
    rds = boto3.client("rds", region_name=REGION)
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    group = f"{name}-subnets"
    rds.create_db_subnet_group(
        DBSubnetGroupName=group, DBSubnetGroupDescription=group, SubnetIds=subnets
    )
    instance = rds.create_db_instance(
        DBInstanceIdentifier=name,
        DBInstanceClass="db.t3.small",
        Engine="postgres",
        MasterUsername="dbadmin",
        MasterUserPassword="not-a-real-password",
        AllocatedStorage=32,
        DBName="appdata",
        DBSubnetGroupName=group,
        PubliclyAccessible=public,
        StorageEncrypted=True,
        Tags=[{"Key": "workload-type", "Value": "other"}],
    )["DBInstance"]
    # moto gives every instance the same DbiResourceId; AWS gives each its own, and it is
    # the resource id AWS Config uses, so make it unique as in AWS.
    unique = "db-" + base64.b32encode(name.encode()).decode().rstrip("=")[:26].ljust(26, "A")
    rds_backends[ACCOUNT_ID][REGION].databases[name].dbi_resource_id = unique
    assert instance["DbiResourceId"] != unique
    return unique


def make_key(description: str, *, rotation: bool, spec: str = "SYMMETRIC_DEFAULT") -> str:
    kms = boto3.client("kms", region_name=REGION)
    usage = "ENCRYPT_DECRYPT" if spec == "SYMMETRIC_DEFAULT" else "SIGN_VERIFY"
    key_id = kms.create_key(Description=description, KeySpec=spec, KeyUsage=usage)["KeyMetadata"][
        "KeyId"
    ]
    if rotation:
        kms.enable_key_rotation(KeyId=key_id)
    return key_id


def make_user(name: str, *, console: bool, mfa: bool, policy_arn: str | None = None) -> str:
    iam = boto3.client("iam")
    user_id = iam.create_user(UserName=name)["User"]["UserId"]
    if console:
        iam.create_login_profile(UserName=name, Password="An-example-passw0rd!")
    if mfa:
        serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"][
            "SerialNumber"
        ]
        iam.enable_mfa_device(
            UserName=name,
            SerialNumber=serial,
            AuthenticationCode1="123456",
            AuthenticationCode2="654321",
        )
    if policy_arn:
        iam.attach_user_policy(UserName=name, PolicyArn=policy_arn)
    return user_id


# --- the registry ----------------------------------------------------------------------


def test_every_type_a_change_triggered_check_evaluates_has_a_collector() -> None:
    evaluated = {
        t for c in load_registry().values() if c.change_triggered for t in c.resource_types
    }
    assert evaluated, "the registry has no change-triggered check"
    missing = evaluated - set(COLLECTORS)
    assert not missing, f"no collector for {sorted(missing)}: add a module under collectors/"


def test_each_collector_is_registered_under_its_own_type() -> None:
    for resource_type, entry in COLLECTORS.items():
        assert entry.resource_type == resource_type
        module = sys.modules[entry.collect.__module__]
        assert module.__name__.startswith("scanmonster.scan.collectors.")
        assert resource_type == module.RESOURCE_TYPE


def test_a_second_collector_for_a_type_is_refused() -> None:
    with pytest.raises(ValueError, match="two collectors"):
        collector(S3, permissions={"s3:ListAllMyBuckets"})(lambda context: [])
    assert COLLECTORS[S3].collect.__name__ == "collect_buckets"


@pytest.mark.parametrize("action", ["s3:PutBucketPolicy", "ec2:DeleteSecurityGroup", "nonsense"])
def test_a_collector_declaring_anything_but_reads_is_refused(action: str) -> None:
    with pytest.raises(ValueError, match="not a read-only IAM action"):
        collector("AWS::Example::Thing", permissions={action})
    assert "AWS::Example::Thing" not in COLLECTORS


def test_asking_for_an_uncollected_type_names_the_collected_ones(aws) -> None:
    with pytest.raises(NoCollectorError, match="AWS::S3::Bucket"):
        collect("AWS::Lambda::Function", aws, account_id=ACCOUNT_ID, region=REGION)


# --- shape: exactly the recorded key set ------------------------------------------------


def _s3_private_all_blocked(monkeypatch: pytest.MonkeyPatch) -> str:
    return make_bucket("scanmonster-example-bucket")


def _s3_tls_only_policy(monkeypatch: pytest.MonkeyPatch) -> str:
    return make_bucket("scanmonster-example-bucket", tls_only=True)


def _sg_vpc_default_as_created(monkeypatch: pytest.MonkeyPatch) -> str:
    ec2 = boto3.client("ec2", region_name=REGION)
    return default_group_as_created(ec2, default_vpc(ec2))


def _sg_web_https_only(monkeypatch: pytest.MonkeyPatch) -> str:
    group_id = make_group("scanmonster-web", [from_anywhere("tcp", 443)])
    ec2 = boto3.client("ec2", region_name=REGION)
    image = ec2.describe_images()["Images"][0]["ImageId"]
    ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, SecurityGroupIds=[group_id])
    return group_id


def _iam_console_user(monkeypatch: pytest.MonkeyPatch) -> str:
    # The fixture's user has the AWS managed IAMUserChangePassword policy attached, which
    # moto only knows when told to load AWS managed policies.
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    return make_user(
        "scanmonster-example-user",
        console=True,
        mfa=False,
        policy_arn="arn:aws:iam::aws:policy/IAMUserChangePassword",
    )


def _kms_customer_symmetric_rotating(monkeypatch: pytest.MonkeyPatch) -> str:
    return make_key("scanmonster example key", rotation=True)


def _rds_private_postgres(monkeypatch: pytest.MonkeyPatch) -> str:
    return make_db("scanmonster-example-db", public=False)


# Our fixture of each type -> the same resource, set up in moto (returns its resource id).
MIRRORS: dict[str, Callable[[pytest.MonkeyPatch], str]] = {
    "AWS-S3-Bucket/private-all-blocked": _s3_private_all_blocked,
    "AWS-S3-Bucket/tls-only-policy": _s3_tls_only_policy,
    "AWS-EC2-SecurityGroup/vpc-default-as-created": _sg_vpc_default_as_created,
    "AWS-EC2-SecurityGroup/web-https-only": _sg_web_https_only,
    "AWS-IAM-User/console-user": _iam_console_user,
    "AWS-KMS-Key/customer-symmetric-rotating": _kms_customer_symmetric_rotating,
    "AWS-RDS-DBInstance/private-postgres": _rds_private_postgres,
}
# Where a collected item deliberately differs from the fixture in its keys, and why. Empty
# today: an entry names a key path, "+" (only collected) or "-" (only in the fixture).
DIFFERENCES: dict[str, dict[str, str]] = {}


def test_every_fixture_of_a_collected_type_has_a_mirror() -> None:
    fixtures = {f"{type_folder(t)}/{name}" for t in COLLECTORS for name in fixture_items(t)}
    assert fixtures == set(MIRRORS)


@pytest.mark.parametrize("fixture", sorted(MIRRORS))
def test_collected_item_has_exactly_the_fixture_keys(
    fixture: str, aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, name = fixture.split("/")
    resource_type = folder.replace("-", "::", 2)
    expected = fixture_items(resource_type)[name]
    resource_id = MIRRORS[fixture](monkeypatch)

    item = by_id(gather(aws, resource_type))[resource_id]

    collected, recorded = paths(item), paths(expected)
    differences = {f"+{p}" for p in collected - recorded} | {f"-{p}" for p in recorded - collected}
    assert differences == set(DIFFERENCES.get(fixture, {}))
    # The frame's values, where AWS Config's meaning is fixed.
    assert item["resourceType"] == expected["resourceType"]
    assert item["configurationItemStatus"] == "OK"
    assert item["configurationItemVersion"] == expected["configurationItemVersion"]
    assert item["availabilityZone"] == (
        item["configuration"]["availabilityZone"]
        if resource_type == RDS
        else expected["availabilityZone"]
    )
    assert item["awsRegion"] == ("global" if resource_type == IAM else REGION)
    assert item["awsAccountId"] == ACCOUNT_ID


# Keys AWS Config records that none of our event-shaped items of the type happens to have,
# with where they are seen. The test below needs each of them, so the list cannot go stale.
RECORDED_ELSEWHERE: dict[str, dict[str, str]] = {
    SG: {
        # A rule's description: "ipv4Ranges": [{"cidrIp": ..., "description": ...}] (and
        # the same in ipv6Ranges) in security group items of public AWS Config rule tests.
        "configuration.ipPermissions[].ipv4Ranges[].description": "rule description",
        "configuration.ipPermissions[].ipv6Ranges[].description": "rule description",
    },
}


def test_every_collected_key_is_one_aws_config_records(aws) -> None:
    """Beyond the mirrors: tags, encryption, ENIs, groups, public rules, descriptions,
    asymmetric keys add keys only where recorded items of the type have them too."""
    make_bucket("tagged-bucket", block=None, tags={"team": "a"}, encrypted=True)
    make_group(
        "described",
        [
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "ssh"}],
                "Ipv6Ranges": [{"CidrIpv6": "::/0", "Description": "ssh"}],
            }
        ],
    )
    make_db("public-db", public=True)
    make_key("signing", rotation=False, spec="RSA_2048")
    iam = boto3.client("iam")
    iam.create_group(GroupName="devs")
    policy = iam.create_policy(
        PolicyName="read",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}],
            }
        ),
    )
    make_user("grouped", console=False, mfa=False, policy_arn=policy["Policy"]["Arn"])
    iam.add_user_to_group(UserName="grouped", GroupName="devs")

    for resource_type in (S3, SG, RDS, KMS, IAM):
        known = event_shaped_paths(resource_type)
        items = gather(aws, resource_type)
        invented = set().union(*(paths(item) for item in items)) - known
        assert invented == set(RECORDED_ELSEWHERE.get(resource_type, {})), resource_type
    # The optional sections did appear, so the comparison above covered them.
    bucket = by_id(gather(aws, S3))["tagged-bucket"]["supplementaryConfiguration"]
    assert {"BucketTaggingConfiguration", "ServerSideEncryptionConfiguration"} <= set(bucket)
    assert "PublicAccessBlockConfiguration" not in bucket  # none set: none recorded
    user = by_id(gather(aws, IAM))
    assert {r["name"] for i in user.values() for r in i["relationships"]} == {
        "Is attached to Group",
        "Is attached to CustomerManagedPolicy",
    }


def test_collected_values_use_aws_config_ids_and_formats(aws) -> None:
    before = datetime.now(UTC)
    bucket = make_bucket("ids-bucket", tags={"team": "a"})
    group = make_group("ids-group", [from_anywhere("tcp", 22)])
    dbi = make_db("ids-db", public=False)
    key = make_key("ids key", rotation=False)
    user = make_user("ids-user", console=False, mfa=False)
    inline_policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}],
    }
    boto3.client("iam").put_user_policy(
        UserName="ids-user", PolicyName="inline", PolicyDocument=json.dumps(inline_policy)
    )

    items = {t: by_id(gather(aws, t)) for t in (S3, SG, RDS, KMS, IAM)}
    after = datetime.now(UTC)

    s3_item = items[S3][bucket]
    assert (s3_item["resourceName"], s3_item["ARN"]) == (bucket, f"arn:aws:s3:::{bucket}")
    assert s3_item["tags"] == {"team": "a"}
    assert s3_item["supplementaryConfiguration"]["BucketTaggingConfiguration"] == {
        "tagSets": [{"tags": {"team": "a"}}]
    }
    acl = json.loads(s3_item["supplementaryConfiguration"]["AccessControlList"])
    assert acl["grantList"][0]["permission"] == "FullControl"
    assert items[SG][group]["configuration"]["groupId"] == group
    assert items[SG][group]["ARN"].endswith(f":security-group/{group}")
    assert items[RDS][dbi]["configuration"]["dbiResourceId"] == dbi
    assert items[RDS][dbi]["resourceName"] == "ids-db"
    assert items[RDS][dbi]["supplementaryConfiguration"]["Tags"] == [
        {"key": "workload-type", "value": "other"}
    ]
    assert items[KMS][key]["configuration"]["keyId"] == key
    assert isinstance(items[KMS][key]["configuration"]["creationDate"], int)  # epoch ms
    assert items[KMS][key]["supplementaryConfiguration"]["KeyRotationStatus"] is False
    assert items[IAM][user]["configuration"]["userId"] == user
    inline = items[IAM][user]["configuration"]["userPolicyList"][0]
    assert inline["policyName"] == "inline"
    assert json.loads(unquote(inline["policyDocument"])) == inline_policy
    assert "{" not in inline["policyDocument"]  # URL-encoded, as IAM items are recorded
    for item in (i for found in items.values() for i in found.values()):
        captured = datetime.fromisoformat(item["configurationItemCaptureTime"])
        assert item["configurationItemCaptureTime"].endswith("Z")
        assert before.replace(microsecond=0) <= captured <= after
        assert item["configurationStateId"] == int(captured.timestamp() * 1000)


# --- verdicts: every change-triggered check on collected good and bad resources --------


def _s3_scenario() -> dict[str, str]:
    return {
        "blocked-tls": make_bucket("blocked-tls", tls_only=True),
        "open-no-policy": make_bucket("open-no-policy", block=None),
        "three-of-four": make_bucket("three-of-four", block=(True, True, True, False)),
    }


def _sg_scenario() -> dict[str, str]:
    ec2 = boto3.client("ec2", region_name=REGION)
    closed_vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    closed = default_group(ec2, closed_vpc)
    ec2.revoke_security_group_egress(
        GroupId=closed, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    return {
        "https-only": make_group("https-only", [from_anywhere("tcp", 443)]),
        "ssh-open": make_group("ssh-open", [from_anywhere("tcp", 22)]),
        "rdp-open-ipv6": make_group(
            "rdp-open-ipv6",
            [
                {
                    "IpProtocol": "tcp",
                    "FromPort": 3389,
                    "ToPort": 3389,
                    "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
                }
            ],
        ),
        "default-as-created": default_group_as_created(ec2, default_vpc(ec2)),
        "default-closed": closed,
    }


def _rds_scenario() -> dict[str, str]:
    return {"private": make_db("private", public=False), "public": make_db("public", public=True)}


def _kms_scenario() -> dict[str, str]:
    return {
        "rotating": make_key("rotating", rotation=True),
        "not-rotating": make_key("not-rotating", rotation=False),
        "asymmetric": make_key("asymmetric", rotation=False, spec="RSA_2048"),
    }


def _iam_scenario() -> dict[str, str]:
    return {
        "console-mfa": make_user("console-mfa", console=True, mfa=True),
        "console-no-mfa": make_user("console-no-mfa", console=True, mfa=False),
        "no-console": make_user("no-console", console=False, mfa=False),
    }


SCENARIOS: dict[str, Callable[[], dict[str, str]]] = {
    S3: _s3_scenario,
    SG: _sg_scenario,
    RDS: _rds_scenario,
    KMS: _kms_scenario,
    IAM: _iam_scenario,
}
C, NC, NA = "COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"
EXPECTED: dict[str, dict[str, str]] = {
    "s3_bucket_public_access_blocked": {
        "blocked-tls": C, "open-no-policy": NC, "three-of-four": NC,
    },
    "s3_bucket_ssl_requests_only": {"blocked-tls": C, "open-no-policy": NC},
    "ec2_default_security_group_closed": {
        "default-closed": C, "default-as-created": NC, "ssh-open": NA,
    },
    "ec2_security_group_admin_ports_restricted": {
        "https-only": C, "ssh-open": NC, "rdp-open-ipv6": NC, "default-closed": C,
    },
    "rds_instance_public_access_disabled": {"private": C, "public": NC},
    "kms_key_rotation_enabled": {"rotating": C, "not-rotating": NC, "asymmetric": NA},
    "iam_user_console_mfa_enabled": {"console-mfa": C, "console-no-mfa": NC, "no-console": NA},
}  # fmt: skip
CHANGE_TRIGGERED = sorted(c.id for c in load_registry().values() if c.change_triggered)


def test_every_change_triggered_check_has_good_and_bad_cases() -> None:
    assert set(EXPECTED) == set(CHANGE_TRIGGERED)
    for check_id, cases in EXPECTED.items():
        assert {C, NC} <= set(cases.values()), check_id


@pytest.mark.parametrize("check_id", CHANGE_TRIGGERED)
def test_check_verdicts_on_collected_resources(check_id: str, aws) -> None:
    (resource_type,) = load_registry()[check_id].resource_types
    resources = SCENARIOS[resource_type]()
    items = by_id(gather(aws, resource_type))

    verdicts = {
        label: verdict(check_id, items[resources[label]], aws) for label in EXPECTED[check_id]
    }

    assert verdicts == EXPECTED[check_id]


# --- listing: pages, regions, empty accounts -------------------------------------------


def test_every_page_of_buckets_and_security_groups_is_collected(aws) -> None:
    buckets = {make_bucket(f"paged-bucket-{n}") for n in range(5)}
    groups = {make_group(f"paged-group-{n}", []) for n in range(5)}
    bucket_pages = Pager(
        aws.build_client("s3", REGION),
        "ListBuckets",
        "Buckets",
        ("ContinuationToken", "ContinuationToken"),
    )
    group_pages = Pager(
        aws.build_client("ec2", REGION),
        "DescribeSecurityGroups",
        "SecurityGroups",
        ("NextToken", "NextToken"),
    )

    collected_buckets = {i["resourceId"] for i in gather(aws, S3)}
    collected_groups = {i["resourceId"] for i in gather(aws, SG)}

    assert collected_buckets == buckets
    assert groups < collected_groups  # and the default VPC's default group
    assert bucket_pages.calls == 3  # 5 buckets, 2 a page
    assert group_pages.calls >= 3


def test_buckets_are_collected_in_their_own_region_only(aws) -> None:
    here = make_bucket("bucket-here")
    there = make_bucket("bucket-there", region=OTHER_REGION)

    assert [i["resourceId"] for i in gather(aws, S3)] == [here]
    elsewhere = gather(aws, S3, region=OTHER_REGION)
    assert [(i["resourceId"], i["awsRegion"]) for i in elsewhere] == [(there, OTHER_REGION)]


def test_iam_users_are_listed_whatever_the_region(aws) -> None:
    user = make_user("anywhere", console=False, mfa=False)

    for region in (REGION, OTHER_REGION):
        assert [(i["resourceId"], i["awsRegion"]) for i in gather(aws, IAM, region)] == [
            (user, "global")
        ]


@pytest.mark.parametrize("resource_type", [S3, RDS, KMS, IAM])
def test_an_empty_account_has_no_items(resource_type: str, aws) -> None:
    assert gather(aws, resource_type) == []


def test_an_empty_account_has_only_the_default_vpcs_default_group(aws) -> None:
    # Every VPC has a default group that cannot be deleted; moto, like AWS, starts every
    # region with a default VPC, so "empty" still holds that one group.
    (item,) = gather(aws, SG)
    assert item["configuration"]["groupName"] == "default"


# --- AWS Config: read where it records the type, else None -----------------------------


def record(
    group: dict[str, Any] | None = None, *, start: bool = True, region: str = REGION
) -> None:
    config = boto3.client("config", region_name=region)
    recorder: dict[str, Any] = {
        "name": "default",
        "roleARN": f"arn:aws:iam::{ACCOUNT_ID}:role/config-recorder",
    }
    if group is not None:
        recorder["recordingGroup"] = group
    config.put_configuration_recorder(ConfigurationRecorder=recorder)
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "config-logs"})
    if start:
        config.start_configuration_recorder(ConfigurationRecorderName="default")


def recorded(factory: ClientFactory, resource_type: str) -> list[dict] | None:
    return config_items(resource_type, factory, account_id=ACCOUNT_ID, region=REGION)


ALL_SUPPORTED = {"allSupported": True, "includeGlobalResourceTypes": False}
WITH_GLOBAL = {"allSupported": True, "includeGlobalResourceTypes": True}
ONLY_GROUPS = {
    "allSupported": False,
    "resourceTypes": [SG],
    "recordingStrategy": {"useOnly": "INCLUSION_BY_RESOURCE_TYPES"},
}
ALL_BUT_BUCKETS = {
    "allSupported": False,
    "exclusionByResourceTypes": {"resourceTypes": [S3]},
    "recordingStrategy": {"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"},
}


def test_config_is_not_read_without_a_recorder(aws) -> None:
    make_bucket("unrecorded")
    assert recorded(aws, S3) is None
    assert "config:ListDiscoveredResources" not in aws.actions


def test_config_is_not_read_while_the_recorder_is_stopped(aws) -> None:
    make_bucket("unrecorded")
    record(ALL_SUPPORTED, start=False)
    assert recorded(aws, S3) is None


@pytest.mark.parametrize(
    ("group", "resource_type", "read"),
    [
        (ALL_SUPPORTED, S3, True),
        (ALL_SUPPORTED, IAM, False),  # global IAM types need includeGlobalResourceTypes
        (WITH_GLOBAL, IAM, True),
        (ONLY_GROUPS, SG, True),
        (ONLY_GROUPS, S3, False),
        (ALL_BUT_BUCKETS, S3, False),
        (ALL_BUT_BUCKETS, IAM, True),  # the exclusion strategy records IAM unless excluded
        (None, S3, True),  # no recording group: all supported types
        (None, IAM, False),
    ],
)
def test_config_is_read_only_for_types_the_recording_group_records(
    group: dict | None, resource_type: str, read: bool, aws
) -> None:
    record(group)
    items = recorded(aws, resource_type)
    assert (items is not None) == read
    if read:
        assert isinstance(items, list)


def test_recording_group_rules() -> None:
    assert covers({}, S3)
    assert not covers({}, IAM)
    assert covers({"allSupported": False, "resourceTypes": [KMS]}, KMS)
    assert not covers({"allSupported": False, "resourceTypes": [KMS]}, RDS)


def test_buckets_from_config_are_event_shaped_and_judged_like_collected_ones(aws) -> None:
    record(ALL_SUPPORTED)
    good = make_bucket("good-bucket", tls_only=True)
    bad = make_bucket("bad-bucket", block=(True, False, True, True))

    from_config = by_id(recorded(aws, S3) or [])
    collected = by_id(gather(aws, S3))

    assert set(from_config) == set(collected) == {good, bad}
    for item in from_config.values():
        assert {"ARN", "awsAccountId", "configurationItemVersion"} <= set(item)
        assert not {"arn", "accountId", "version"} & set(item)
        assert isinstance(item["supplementaryConfiguration"]["BucketPolicy"], dict)
        assert item["awsAccountId"] == ACCOUNT_ID
    for check_id in ("s3_bucket_public_access_blocked", "s3_bucket_ssl_requests_only"):
        for bucket in (good, bad):
            assert verdict(check_id, from_config[bucket], aws) == verdict(
                check_id, collected[bucket], aws
            ), (check_id, bucket)
    assert verdict("s3_bucket_public_access_blocked", from_config[good], aws) == C
    assert verdict("s3_bucket_public_access_blocked", from_config[bad], aws) == NC


def test_config_items_follow_every_page_and_batch(aws) -> None:
    record(ALL_SUPPORTED)
    buckets = {make_bucket(f"many-{n:03d}") for n in range(105)}
    batches: list[int] = []
    aws.build_client("config", REGION).meta.events.register(
        "before-parameter-build.config-service.BatchGetResourceConfig",
        lambda params, **_: batches.append(len(params["resourceKeys"])),
    )

    items = recorded(aws, S3) or []

    assert {i["resourceId"] for i in items} == buckets
    assert sorted(batches) == [5, 100]  # at most 100 keys a call
    assert aws.actions.count("config:ListDiscoveredResources") == 2  # 100 a page


def _stubbed_config(factory: ClientFactory) -> Stubber:
    stubber = Stubber(factory.build_client("config", REGION))
    stubber.add_response(
        "describe_configuration_recorders",
        {"ConfigurationRecorders": [{"name": "default", "recordingGroup": ALL_SUPPORTED}]},
    )
    stubber.add_response(
        "describe_configuration_recorder_status",
        {"ConfigurationRecordersStatus": [{"name": "default", "recording": True}]},
    )
    stubber.add_response(
        "list_discovered_resources",
        {"resourceIdentifiers": [{"resourceType": S3, "resourceId": "kept-back"}]},
        {"resourceType": S3},
    )
    return stubber


def _base_item(name: str) -> dict:
    return {
        "version": "1.3",
        "accountId": ACCOUNT_ID,
        "configurationItemCaptureTime": datetime(2026, 11, 28, tzinfo=UTC),
        "configurationItemStatus": "OK",
        "arn": f"arn:aws:s3:::{name}",
        "resourceType": S3,
        "resourceId": name,
        "awsRegion": REGION,
        "configuration": json.dumps({"name": name}),
        "supplementaryConfiguration": {"BucketPolicy": json.dumps({"policyText": None})},
    }


def test_config_items_kept_back_are_asked_for_again() -> None:
    factory = ClientFactory(session=boto3.Session(region_name=REGION), region=REGION)
    stubber = _stubbed_config(factory)
    key = {"resourceType": S3, "resourceId": "kept-back"}
    stubber.add_response(
        "batch_get_resource_config",
        {"baseConfigurationItems": [], "unprocessedResourceKeys": [key]},
        {"resourceKeys": [key]},
    )
    stubber.add_response(
        "batch_get_resource_config",
        {"baseConfigurationItems": [_base_item("kept-back")]},
        {"resourceKeys": [key]},
    )
    with stubber:
        items = recorded(factory, S3)
    stubber.assert_no_pending_responses()
    assert [i["resourceId"] for i in items or []] == ["kept-back"]
    assert items
    assert items[0]["supplementaryConfiguration"]["BucketPolicy"] == {"policyText": None}


def test_config_items_kept_back_for_good_fail_the_read() -> None:
    factory = ClientFactory(session=boto3.Session(region_name=REGION), region=REGION)
    stubber = _stubbed_config(factory)
    key = {"resourceType": S3, "resourceId": "kept-back"}
    for _ in range(collectors.recorded.UNPROCESSED_ATTEMPTS):
        stubber.add_response(
            "batch_get_resource_config",
            {"baseConfigurationItems": [], "unprocessedResourceKeys": [key]},
            {"resourceKeys": [key]},
        )
    with stubber, pytest.raises(IncompleteConfigReadError, match="kept-back"):
        recorded(factory, S3)


def test_without_leave_to_read_config_the_scan_collects_instead() -> None:
    factory = ClientFactory(session=boto3.Session(region_name=REGION), region=REGION)
    stubber = Stubber(factory.build_client("config", REGION))
    stubber.add_client_error("describe_configuration_recorders", "AccessDeniedException")
    with stubber:
        assert recorded(factory, S3) is None


# --- permissions -----------------------------------------------------------------------

# API operations whose IAM action has another name.
API_TO_IAM = {
    "s3:ListBuckets": "s3:ListAllMyBuckets",
    "s3:GetBucketAccelerateConfiguration": "s3:GetAccelerateConfiguration",
    "s3:GetBucketNotificationConfiguration": "s3:GetBucketNotification",
    "s3:GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketEncryption": "s3:GetEncryptionConfiguration",
}


@pytest.mark.parametrize("resource_type", sorted(SCENARIOS))
def test_each_collector_calls_exactly_the_actions_it_declares(resource_type: str) -> None:
    with mock_aws():
        SCENARIOS[resource_type]()
        factory = RecordingClientFactory(session=boto3.Session(region_name=REGION))
        assert gather(factory, resource_type)
    used = {API_TO_IAM.get(action, action) for action in factory.actions}
    assert used == COLLECTORS[resource_type].permissions


def test_config_reads_call_exactly_the_declared_actions(aws) -> None:
    record(ALL_SUPPORTED)
    make_bucket("any-bucket")
    assert recorded(aws, S3)
    assert set(aws.actions) == CONFIG_PERMISSIONS


def test_the_scanning_role_needs_only_reads() -> None:
    everything = collectors.permissions()
    assert everything >= CONFIG_PERMISSIONS
    for entry in COLLECTORS.values():
        assert entry.permissions <= everything
    for action in everything:
        match = PERMISSION.match(action)
        assert match, action
        assert match.group(2).startswith(READ_VERBS), action
