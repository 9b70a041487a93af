"""The demo organization: an embedded moto server holding a small AWS Organization to scan.

`start_moto_server()` runs moto's ThreadedMotoServer on loopback; `build_demo_organization()`
fills it, with fake credentials, the way a real organization would be reached: the
management account creates the organization and its member accounts, and everything inside
an account is created with credentials from STS AssumeRole of
`arn:aws:iam::<account>:role/OrganizationAccountAccessRole` (moto keeps a separate world per
account, keyed by the access key of the assumed role).

Every planted resource or setting comes with the verdict each check must give it
(`DemoOrganization.expected`), written from the checks' definitions (rule.py docstrings and
check.toml), not from running them: the end-to-end test compares the scan with this list.

Where things land (regions: ap-northeast-1 and us-east-1, the home of account-wide verdicts):

- management account: only account-level settings (strong password policy, EBS encryption by
  default on, account S3 Block Public Access on, no trail) and its untouched default VPCs.
- production, staging, sandbox (members), per region and per unit of `scale`: four buckets
  (all combinations of Block Public Access and a TLS-only policy), three security groups
  (one closed, SSH open to 0.0.0.0/0, RDP open to ::/0), a private and a public RDS
  instance, a KMS key with and one without rotation; per account (IAM is global) and per
  unit of `scale`: a console user with MFA, one without, one without console access.
- account settings differ per member (see PROFILES): production is the well-kept account
  (and the only one with a multi-Region trail), staging is half done, sandbox is neglected.

moto state is process-wide: two servers in one process share their backends (a bucket made
through one is listed through the other). Two builds stay independent because each uses a
fresh management account (a random id), fresh member accounts (ids moto draws) and a random
tag in the names that share a global namespace (S3 buckets). Do not start `mock_aws()` in a
process while a demo server is in use: it resets the same backends.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import secrets
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config
from moto.rds.models import DBInstance
from moto.server import ThreadedMotoServer

from scanmonster.scan.endpoints import route_s3control_to_loopback
from scanmonster.scan.model import COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, Account

REGIONS = ["ap-northeast-1", "us-east-1"]
# Account-wide (scope "global") checks and IAM users get one verdict per account, reported in
# the region where the scanner runs them: us-east-1, IAM's home, when it is scanned
# (scanner.global_region; a test holds the two together).
HOME_REGION = "us-east-1"
ROLE_NAME = "OrganizationAccountAccessRole"
MEMBER_NAMES = ("production", "staging", "sandbox")
SCALES = (1, 5, 20)  # what the benchmark builds; any positive scale works

# moto accepts any credentials; these map to its default account, which stands for the
# account the scanner runs in (outside the organization).
FAKE_CREDENTIALS = {
    "aws_access_key_id": "testing",
    "aws_secret_access_key": "testing",
    "aws_session_token": "testing",
}
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 3})

# Check ids, as in rules/<id>/check.toml.
CLOUDTRAIL = "cloudtrail_multi_region_enabled"
DEFAULT_SG = "ec2_default_security_group_closed"
EBS_DEFAULT = "ec2_ebs_default_encryption_enabled"
ADMIN_PORTS = "ec2_security_group_admin_ports_restricted"
PASSWORD_POLICY = "iam_password_policy_strong"
ROOT_KEYS = "iam_root_access_key_absent"
ROOT_MFA = "iam_root_mfa_enabled"
USER_MFA = "iam_user_console_mfa_enabled"
KMS_ROTATION = "kms_key_rotation_enabled"
RDS_PUBLIC = "rds_instance_public_access_disabled"
ACCOUNT_S3_BLOCK = "s3_account_public_access_blocked"
BUCKET_S3_BLOCK = "s3_bucket_public_access_blocked"
BUCKET_TLS = "s3_bucket_ssl_requests_only"

_BLOCK_SETTINGS = (
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
)
ALL_BLOCKED = dict.fromkeys(_BLOCK_SETTINGS, True)
# ACLs blocked, policies allowed: how a bucket is opened for a public website.
ACLS_ONLY = {**ALL_BLOCKED, "BlockPublicPolicy": False, "RestrictPublicBuckets": False}

STRONG_PASSWORD_POLICY = {
    "MinimumPasswordLength": 14,
    "PasswordReusePrevention": 24,
    "RequireUppercaseCharacters": True,
    "RequireLowercaseCharacters": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
}
# A policy someone set once and never revisited: 8 characters, numbers only, no reuse
# prevention.
WEAK_PASSWORD_POLICY = {"MinimumPasswordLength": 8, "RequireNumbers": True}


@dataclass(frozen=True)
class Expectation:
    """The verdict one check must give one planted resource or account setting."""

    account_id: str
    region: str
    check_id: str
    resource_id: str  # Config resource id: bucket name, sg-..., DbiResourceId, key id, UserId,
    # or the account id for account-level checks
    compliance: str


@dataclass(frozen=True)
class Profile:
    """An account's account-level settings: None means "never configured"."""

    password_policy: dict[str, Any] | None
    ebs_encryption: dict[str, bool]  # region -> on
    account_block: dict[str, bool] | None
    trail: str | None  # "multi_region" (home region), "single_region" (another region), None
    default_sg_closed: dict[str, bool]  # region -> all rules removed
    resources: bool  # plant the per-region resources and IAM users


PROFILES: dict[str, Profile] = {
    # Nobody works in the management account: its settings are done, its VPCs untouched.
    "management": Profile(
        password_policy=STRONG_PASSWORD_POLICY,
        ebs_encryption={"ap-northeast-1": True, "us-east-1": True},
        account_block=ALL_BLOCKED,
        trail=None,
        default_sg_closed={"ap-northeast-1": False, "us-east-1": False},
        resources=False,
    ),
    "production": Profile(
        password_policy=STRONG_PASSWORD_POLICY,
        ebs_encryption={"ap-northeast-1": True, "us-east-1": True},
        account_block=ALL_BLOCKED,
        trail="multi_region",
        default_sg_closed={"ap-northeast-1": True, "us-east-1": True},
        resources=True,
    ),
    "staging": Profile(
        password_policy=WEAK_PASSWORD_POLICY,
        ebs_encryption={"ap-northeast-1": True, "us-east-1": False},
        account_block=ACLS_ONLY,
        trail="single_region",
        default_sg_closed={"ap-northeast-1": True, "us-east-1": False},
        resources=True,
    ),
    "sandbox": Profile(
        password_policy=None,
        ebs_encryption={"ap-northeast-1": False, "us-east-1": False},
        account_block=None,
        trail=None,
        default_sg_closed={"ap-northeast-1": False, "us-east-1": False},
        resources=True,
    ),
}


@dataclass
class DemoOrganization:
    endpoint_url: str
    organization_id: str
    management_account_id: str
    accounts: list[Account]  # the member accounts, in MEMBER_NAMES order
    regions: list[str]
    home_region: str
    role_name: str  # assumable in every account, the management account included
    scale: int
    tag: str  # the random part of this build's bucket names
    expected: list[Expectation] = field(default_factory=list)
    _sessions: dict[str, _Session] = field(default_factory=dict, repr=False, compare=False)

    def all_accounts(self) -> list[Account]:
        """The management account first, then the members: what a scan of the whole
        organization covers."""
        return [Account(self.management_account_id, "management"), *self.accounts]

    def role_arn(self, account_id: str) -> str:
        return f"arn:aws:iam::{account_id}:role/{self.role_name}"

    def session(self, account_id: str, region: str | None = None) -> boto3.Session:
        """A new boto3 session acting in `account_id` through the role (S3 Control routed to
        loopback). It carries no endpoint: clients find the server through AWS_ENDPOINT_URL
        or an explicit endpoint_url. For a scan: the management account's session lists the
        organization and assumes `role_name` in the members."""
        credentials = self._account_session(account_id).credentials
        session = boto3.Session(**credentials, region_name=region or self.home_region)
        route_s3control_to_loopback(session)
        return session

    def client(self, account_id: str, service: str, region: str | None = None) -> Any:
        """A client of the demo's server acting in `account_id` (through the role)."""
        return self._account_session(account_id).client(service, region or self.home_region)

    def _account_session(self, account_id: str) -> _Session:
        if account_id not in self._sessions:
            base = self._sessions.setdefault("", _Session.base(self.endpoint_url))
            self._sessions[account_id] = base.assume(self.role_arn(account_id))
        return self._sessions[account_id]

    def expected_for(self, check_ids: Iterable[str]) -> list[Expectation]:
        wanted = set(check_ids)
        return [e for e in self.expected if e.check_id in wanted]


class DemoError(RuntimeError):
    """The demo organization could not be built as described."""


def start_moto_server() -> tuple[ThreadedMotoServer, str]:
    """moto's server in a thread, on loopback and a port the OS picks; call server.stop().

    Clients reach it like a separate process: through its URL (AWS_ENDPOINT_URL).
    """
    # werkzeug logs every request at INFO to stderr unless the application configured it.
    werkzeug = logging.getLogger("werkzeug")
    if werkzeug.level == logging.NOTSET:
        werkzeug.setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    return server, f"http://{host}:{port}"


def build_demo_organization(endpoint_url: str, *, scale: int = 1) -> DemoOrganization:
    """Create the demo organization in the moto server at `endpoint_url` (see the module doc)."""
    if scale < 1:
        raise ValueError(f"scale must be at least 1, got {scale}")
    base = _Session.base(endpoint_url)
    scanner_account = base.client("sts").get_caller_identity()["Account"]
    management_id = _fresh_account_id(avoid=scanner_account)
    management = base.assume(f"arn:aws:iam::{management_id}:role/{ROLE_NAME}")
    management.verify_account(management_id)
    # Real management accounts have no OrganizationAccountAccessRole; the demo gives it one
    # (trusting the scanner's account) so that a scan reaches every account the same way.
    _create_role(management, ROLE_NAME, trusted_account=scanner_account)

    organizations = management.client("organizations")
    organization_id = organizations.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    tag = secrets.token_hex(3)
    members = [Account(_create_account(organizations, name, tag), name) for name in MEMBER_NAMES]
    demo = DemoOrganization(
        endpoint_url=endpoint_url,
        organization_id=organization_id,
        management_account_id=management_id,
        accounts=members,
        regions=list(REGIONS),
        home_region=HOME_REGION,
        role_name=ROLE_NAME,
        scale=scale,
        tag=tag,
    )
    with _distinct_dbi_resource_ids():
        for account in demo.all_accounts():
            session = base.assume(demo.role_arn(account.id))
            # moto falls back to its default account for keys it does not know: without this,
            # a failed mapping would silently plant everything in the wrong account.
            session.verify_account(account.id)
            planter = _Planter(session, account, demo)
            demo.expected += planter.plant(PROFILES[account.name])
    return demo


@contextmanager
def _distinct_dbi_resource_ids() -> Iterator[None]:
    """Give each DB instance moto creates meanwhile its own DbiResourceId.

    moto 5.2.5 gives every DB instance the same DbiResourceId (db-M5ENSHXFPU6XHZ4G4ZEI5QIO2U),
    and AWS Config names DB instances by it: every instance of the demo would be one resource.
    The server runs in this process, so its DBInstance class is patched while the demo is
    built (a stable id from account, region and identifier), then restored.
    """
    original = DBInstance.__init__

    def init(instance: Any, *args: Any, **kwargs: Any) -> None:
        original(instance, *args, **kwargs)
        name = f"{instance.account_id}:{instance.region}:{instance.db_instance_identifier}"
        digest = base64.b32encode(hashlib.sha256(name.encode()).digest()).decode()
        instance.dbi_resource_id = "db-" + digest[:26]

    DBInstance.__init__ = init
    try:
        yield
    finally:
        DBInstance.__init__ = original


# --- sessions -------------------------------------------------------------------------------


class _Session:
    """Clients against the moto server with one set of credentials, built once each.

    All share one boto3 session: loading service models is the slow part of making a client,
    and a session caches them for every client it makes, whatever their credentials.
    """

    def __init__(self, boto: boto3.Session, endpoint_url: str, credentials: dict[str, str]) -> None:
        self.boto = boto
        self.endpoint_url = endpoint_url
        self.credentials = credentials
        self._clients: dict[tuple[str, str], Any] = {}

    @classmethod
    def base(cls, endpoint_url: str) -> _Session:
        """The fake credentials of the scanner's account, on a new boto3 session."""
        boto = boto3.Session(**FAKE_CREDENTIALS)
        route_s3control_to_loopback(boto)
        return cls(boto, endpoint_url, FAKE_CREDENTIALS)

    def client(self, service: str, region: str = HOME_REGION) -> Any:
        key = (service, region)
        if key not in self._clients:
            self._clients[key] = self.boto.client(
                service,
                region_name=region,
                endpoint_url=self.endpoint_url,
                config=CLIENT_CONFIG,
                **self.credentials,
            )
        return self._clients[key]

    def assume(self, role_arn: str) -> _Session:
        credentials = self.client("sts").assume_role(
            RoleArn=role_arn, RoleSessionName="scanmonster-demo"
        )["Credentials"]
        return _Session(
            self.boto,
            self.endpoint_url,
            {
                "aws_access_key_id": credentials["AccessKeyId"],
                "aws_secret_access_key": credentials["SecretAccessKey"],
                "aws_session_token": credentials["SessionToken"],
            },
        )

    def verify_account(self, account_id: str) -> None:
        seen = self.client("sts").get_caller_identity()["Account"]
        if seen != account_id:
            raise DemoError(f"credentials for account {account_id} act in account {seen}")


def _fresh_account_id(avoid: str) -> str:
    while True:
        candidate = str(100_000_000_000 + secrets.randbelow(900_000_000_000))
        if candidate != avoid:
            return candidate


def _create_role(session: _Session, name: str, trusted_account: str) -> None:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{trusted_account}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    session.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))


def _create_account(organizations: Any, name: str, tag: str) -> str:
    """A member account; CreateAccount is asynchronous in AWS, so wait for its status."""
    status = organizations.create_account(Email=f"aws-{name}-{tag}@example.com", AccountName=name)[
        "CreateAccountStatus"
    ]
    for _ in range(50):
        if status["State"] == "SUCCEEDED":
            return status["AccountId"]
        if status["State"] == "FAILED":
            raise DemoError(f"account {name} was not created: {status.get('FailureReason')}")
        time.sleep(0.1)
        status = organizations.describe_create_account_status(CreateAccountRequestId=status["Id"])[
            "CreateAccountStatus"
        ]
    raise DemoError(f"account {name} was still being created after 5 s")


# --- planting -------------------------------------------------------------------------------


class _Planter:
    """Plants one account's settings and resources; returns the verdicts they must get."""

    def __init__(self, session: _Session, account: Account, demo: DemoOrganization) -> None:
        self.session = session
        self.account = account
        self.demo = demo
        self.expected: list[Expectation] = []

    def expect(self, region: str, check_id: str, resource_id: str, compliance: str) -> None:
        self.expected.append(
            Expectation(self.account.id, region, check_id, resource_id, compliance)
        )

    def expect_account(self, check_id: str, compliance: str, region: str | None = None) -> None:
        self.expect(region or self.demo.home_region, check_id, self.account.id, compliance)

    def plant(self, profile: Profile) -> list[Expectation]:
        self.password_policy(profile.password_policy)
        self.account_block(profile.account_block)
        self.root_user()
        self.trail(profile.trail)
        for region in self.demo.regions:
            self.ebs_encryption(region, profile.ebs_encryption[region])
            self.default_security_group(region, profile.default_sg_closed[region])
        if profile.resources:
            for region in self.demo.regions:
                for index in range(1, self.demo.scale + 1):
                    self.buckets(region, index)
                    self.security_groups(region, index)
                    self.databases(region, index)
                    self.keys(region, index)
            for index in range(1, self.demo.scale + 1):
                self.users(index)
        return self.expected

    # account-level settings

    def password_policy(self, policy: dict[str, Any] | None) -> None:
        iam = self.session.client("iam")
        if policy is None:
            # No policy at all (NoSuchEntity) -> NON_COMPLIANT.
            self.expect_account(PASSWORD_POLICY, NON_COMPLIANT)
            return
        iam.update_account_password_policy(**policy)
        # Length >= 14, reuse >= 24 and all four classes -> COMPLIANT; the weak one falls
        # short of all three (length 8, reuse off, three classes missing) -> NON_COMPLIANT.
        strong = policy == STRONG_PASSWORD_POLICY
        self.expect_account(PASSWORD_POLICY, COMPLIANT if strong else NON_COMPLIANT)

    def account_block(self, settings: dict[str, bool] | None) -> None:
        if settings is not None:
            self.session.client("s3control").put_public_access_block(
                AccountId=self.account.id, PublicAccessBlockConfiguration=settings
            )
        # All four true -> COMPLIANT; any false, or no configuration -> NON_COMPLIANT.
        self.expect_account(
            ACCOUNT_S3_BLOCK, COMPLIANT if settings == ALL_BLOCKED else NON_COMPLIANT
        )

    def root_user(self) -> None:
        # Nothing to plant: moto has no API for the root user and always reports it the
        # same way in GetAccountSummary. AccountMFAEnabled is always 0 and the map has no
        # AccountPasswordPresent key ("assume a password") -> NON_COMPLIANT everywhere;
        # AccountAccessKeysPresent is always 0 -> COMPLIANT everywhere.
        self.expect_account(ROOT_MFA, NON_COMPLIANT)
        self.expect_account(ROOT_KEYS, COMPLIANT)

    def trail(self, kind: str | None) -> None:
        if kind is None:
            # No trail listed -> NON_COMPLIANT.
            self.expect_account(CLOUDTRAIL, NON_COMPLIANT)
            return
        multi_region = kind == "multi_region"
        # The multi-Region trail lives in the home region, the single-Region one elsewhere
        # (so the home region lists no trail for that account at all).
        others = [r for r in self.demo.regions if r != self.demo.home_region]
        region = self.demo.home_region if multi_region else others[0]
        bucket = self.bucket_name(region, "cloudtrail-logs")
        s3 = self.session.client("s3", region)
        self.create_bucket(s3, bucket, region)
        s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=ALL_BLOCKED)
        statements = _cloudtrail_statements(bucket, self.account.id)
        if multi_region:  # the careful account also refuses plain HTTP on its log bucket
            statements.append(_tls_only_statement(bucket))
        s3.put_bucket_policy(Bucket=bucket, Policy=_policy(statements))
        # The log bucket is a bucket like any other: all four settings on -> COMPLIANT; TLS
        # Deny on the bucket and its objects -> COMPLIANT, only CloudTrail's Allows -> NON.
        self.expect(region, BUCKET_S3_BLOCK, bucket, COMPLIANT)
        self.expect(region, BUCKET_TLS, bucket, COMPLIANT if multi_region else NON_COMPLIANT)

        cloudtrail = self.session.client("cloudtrail", region)
        name = "audit-all-regions" if multi_region else f"{self.account.name}-{region}"
        cloudtrail.create_trail(Name=name, S3BucketName=bucket, IsMultiRegionTrail=multi_region)
        # moto starts trails with no event selectors (AWS starts with All management events):
        # set them as the console does.
        cloudtrail.put_event_selectors(
            TrailName=name,
            EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": True}],
        )
        cloudtrail.start_logging(Name=name)
        # Multi-Region, logging, all read and write management events -> COMPLIANT; only a
        # single-Region trail -> NON_COMPLIANT, naming it.
        self.expect_account(CLOUDTRAIL, COMPLIANT if multi_region else NON_COMPLIANT)

    def ebs_encryption(self, region: str, enabled: bool) -> None:
        if enabled:
            self.session.client("ec2", region).enable_ebs_encryption_by_default()
        # Off is the AWS (and moto) default. True -> COMPLIANT, false -> NON_COMPLIANT; one
        # verdict per region (scope "regional").
        self.expect_account(EBS_DEFAULT, COMPLIANT if enabled else NON_COMPLIANT, region)

    def default_security_group(self, region: str, closed: bool) -> None:
        ec2 = self.session.client("ec2", region)
        group = ec2.describe_security_groups(
            Filters=[{"Name": "group-name", "Values": ["default"]}]
        )
        groups = group["SecurityGroups"]
        if len(groups) != 1:
            raise DemoError(f"expected one default VPC in {region}, found {len(groups)}")
        group = groups[0]
        group_id = group["GroupId"]
        if closed:
            if group["IpPermissions"]:
                ec2.revoke_security_group_ingress(
                    GroupId=group_id, IpPermissions=group["IpPermissions"]
                )
            if group["IpPermissionsEgress"]:
                ec2.revoke_security_group_egress(
                    GroupId=group_id, IpPermissions=group["IpPermissionsEgress"]
                )
        elif not group["IpPermissions"]:
            # moto creates the default group with the outbound rule only; AWS also gives it
            # an inbound rule admitting all traffic from its own members. Add it, as in AWS.
            ec2.authorize_security_group_ingress(
                GroupId=group_id,
                IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group_id}]}],
            )
        # No rules -> COMPLIANT; any inbound or outbound rule -> NON_COMPLIANT.
        self.expect(region, DEFAULT_SG, group_id, COMPLIANT if closed else NON_COMPLIANT)
        # The self-reference and the outbound rule open nothing from the internet -> COMPLIANT.
        self.expect(region, ADMIN_PORTS, group_id, COMPLIANT)

    # per-region resources

    def bucket_name(self, region: str, purpose: str, index: int | None = None) -> str:
        suffix = "" if index is None else f"-{index:02d}"
        # Bucket names are global: the build's tag keeps two builds apart (<= 63 characters).
        return f"sm-{self.demo.tag}-{self.account.name}-{region}-{purpose}{suffix}"

    def create_bucket(self, s3: Any, bucket: str, region: str) -> None:
        location = {} if region == "us-east-1" else {"LocationConstraint": region}
        s3.create_bucket(
            Bucket=bucket, **({"CreateBucketConfiguration": location} if location else {})
        )

    def buckets(self, region: str, index: int) -> None:
        """The four combinations of Block Public Access and a TLS-only policy."""
        s3 = self.session.client("s3", region)
        # purpose -> (bucket Block Public Access, policy statements maker, PAB verdict, TLS verdict)
        for purpose, block, statements, block_verdict, tls_verdict in (
            # Locked down: all four on, Deny when aws:SecureTransport is false.
            ("customer-data", ALL_BLOCKED, _tls_only, COMPLIANT, COMPLIANT),
            # A public website: policies allowed, a public-read Allow and no TLS Deny.
            ("public-site", ACLS_ONLY, _public_read, NON_COMPLIANT, NON_COMPLIANT),
            # Private, but accepts plain HTTP: all four on, no policy.
            ("team-share", ALL_BLOCKED, None, COMPLIANT, NON_COMPLIANT),
            # Created before Block Public Access existed: none configured, TLS-only policy.
            ("legacy-export", None, _tls_only, NON_COMPLIANT, COMPLIANT),
        ):
            bucket = self.bucket_name(region, purpose, index)
            self.create_bucket(s3, bucket, region)
            # moto creates buckets without Block Public Access (AWS has turned all four on for
            # new buckets since 2023): set it where the bucket should have it.
            if block is not None:
                s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=block)
            if statements is not None:
                s3.put_bucket_policy(Bucket=bucket, Policy=_policy(statements(bucket)))
            self.expect(region, BUCKET_S3_BLOCK, bucket, block_verdict)
            self.expect(region, BUCKET_TLS, bucket, tls_verdict)

    def security_groups(self, region: str, index: int) -> None:
        ec2 = self.session.client("ec2", region)
        vpc_id = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0][
            "VpcId"
        ]
        anywhere_v4 = [{"CidrIp": "0.0.0.0/0"}]
        for name, permissions, verdict in (
            # HTTPS from anywhere, SSH only from the office network -> COMPLIANT.
            (
                "web-frontend",
                [
                    _tcp(443, ipv4=anywhere_v4),
                    _tcp(22, ipv4=[{"CidrIp": "10.0.0.0/8"}]),
                ],
                COMPLIANT,
            ),
            # SSH (22) from 0.0.0.0/0 -> NON_COMPLIANT.
            ("bastion-ssh", [_tcp(22, ipv4=anywhere_v4)], NON_COMPLIANT),
            # RDP (3389) from ::/0 -> NON_COMPLIANT.
            ("windows-rdp", [_tcp(3389, ipv6=[{"CidrIpv6": "::/0"}])], NON_COMPLIANT),
        ):
            group_id = ec2.create_security_group(
                GroupName=f"{name}-{index:02d}", Description=f"demo {name}", VpcId=vpc_id
            )["GroupId"]
            ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=permissions)
            self.expect(region, ADMIN_PORTS, group_id, verdict)
            # Not named "default" -> NOT_APPLICABLE for the default-group check.
            self.expect(region, DEFAULT_SG, group_id, NOT_APPLICABLE)

    def databases(self, region: str, index: int) -> None:
        rds = self.session.client("rds", region)
        for name, public in (("app-db", False), ("reporting-db", True)):
            instance = rds.create_db_instance(
                DBInstanceIdentifier=f"{name}-{index:02d}",
                DBInstanceClass="db.t3.micro",
                Engine="postgres",
                MasterUsername="demo",
                MasterUserPassword="demo-password-not-secret",
                AllocatedStorage=20,
                PubliclyAccessible=public,
            )["DBInstance"]
            # AWS Config names an RDS instance by its DbiResourceId (db-...).
            # publiclyAccessible false -> COMPLIANT, true -> NON_COMPLIANT.
            self.expect(
                region,
                RDS_PUBLIC,
                instance["DbiResourceId"],
                NON_COMPLIANT if public else COMPLIANT,
            )

    def keys(self, region: str, index: int) -> None:
        kms = self.session.client("kms", region)
        for purpose, rotating in (("application data", True), ("batch exports", False)):
            key_id = kms.create_key(Description=f"demo {purpose} key {index:02d}")["KeyMetadata"][
                "KeyId"
            ]
            if rotating:
                kms.enable_key_rotation(KeyId=key_id)
            # Customer managed symmetric key: rotation on -> COMPLIANT, off -> NON_COMPLIANT.
            self.expect(region, KMS_ROTATION, key_id, COMPLIANT if rotating else NON_COMPLIANT)

    def users(self, index: int) -> None:
        iam = self.session.client("iam")
        for person, console, mfa, verdict in (
            ("alice", True, True, COMPLIANT),  # console password and an MFA device
            ("bob", True, False, NON_COMPLIANT),  # console password, no MFA device
            ("ci-deployer", False, False, NOT_APPLICABLE),  # access key only, no console
        ):
            name = f"{person}-{index:02d}"
            user_id = iam.create_user(UserName=name)["User"]["UserId"]
            if console:
                iam.create_login_profile(UserName=name, Password="Demo-password-1234!")
            else:
                iam.create_access_key(UserName=name)
            if mfa:
                serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)[
                    "VirtualMFADevice"
                ]["SerialNumber"]
                iam.enable_mfa_device(
                    UserName=name,
                    SerialNumber=serial,
                    AuthenticationCode1="123456",
                    AuthenticationCode2="654321",
                )
            # IAM is global: one verdict per user, in the home region, named by its UserId.
            self.expect(self.demo.home_region, USER_MFA, user_id, verdict)


# --- policies and rules ---------------------------------------------------------------------


def _policy(statements: list[dict[str, Any]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def _tls_only_statement(bucket: str) -> dict[str, Any]:
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def _tls_only(bucket: str) -> list[dict[str, Any]]:
    return [_tls_only_statement(bucket)]


def _public_read(bucket: str) -> list[dict[str, Any]]:
    return [
        {
            "Sid": "PublicRead",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{bucket}/*",
        }
    ]


def _cloudtrail_statements(bucket: str, account_id: str) -> list[dict[str, Any]]:
    """What CloudTrail needs on its log bucket (as the CloudTrail console writes it)."""
    service = {"Service": "cloudtrail.amazonaws.com"}
    return [
        {
            "Sid": "AWSCloudTrailAclCheck",
            "Effect": "Allow",
            "Principal": service,
            "Action": "s3:GetBucketAcl",
            "Resource": f"arn:aws:s3:::{bucket}",
        },
        {
            "Sid": "AWSCloudTrailWrite",
            "Effect": "Allow",
            "Principal": service,
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{account_id}/*",
            "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
        },
    ]


def _tcp(
    port: int,
    *,
    ipv4: list[dict[str, str]] | None = None,
    ipv6: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    return {
        "IpProtocol": "tcp",
        "FromPort": port,
        "ToPort": port,
        "IpRanges": ipv4 or [],
        "Ipv6Ranges": ipv6 or [],
    }
