"""Our SSM Automation remediation documents (remediations/): valid, built, and proven on moto.

- Every document loads and validates; the built document holds each script verbatim and no
  placeholder; the checks its header names exist in the registry; every parameter's
  allowedPattern accepts good values and refuses bad ones; broken documents fail naming
  the file and the field.
- Each script runs as SSM would run it: its events are the step's InputPayload with the
  parameters substituted (after the allowedPattern check), its result is read through the
  step's output selectors and types, and the code is the inlined script of the built
  document. Against moto: the check itself, on the configuration item the local scanner
  builds from the API state (or, for an account-wide check, reading the API as its
  scheduled run does), turns from NON_COMPLIANT to COMPLIANT; the exact API state
  afterwards is asserted (what must stay, stays); a second run changes nothing and says so;
  a missing resource fails with an error naming it; and the script calls exactly the IAM
  actions its header declares (a write only when it changes something).
"""

from __future__ import annotations

import json
import re
import shutil
import types
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from scanmonster.registry import load_registry
from scanmonster.remediation.documents import (
    DOCUMENTS_DIR,
    SCRIPT_ACTION,
    DocumentError,
    OwnDocument,
    build_document,
    load_documents,
)
from scanmonster.runtime.clients import ClientFactory
from scanmonster.scan.collectors import collect
from tests.support import run_periodic, verdict

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"  # moto's default account
ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/ScanMonsterRemediation"
ADMIN_PORTS = "ScanMonster-RevokeAdminPortsFromInternet"
REQUIRE_TLS = "ScanMonster-RequireTlsForBucket"
EMPTY_DEFAULT = "ScanMonster-EmptyDefaultSecurityGroup"
STRENGTHEN = "ScanMonster-StrengthenPasswordPolicy"
SG = "AWS::EC2::SecurityGroup"
S3 = "AWS::S3::Bucket"
PLACEHOLDER = re.compile(r"\{\{\s*script:")

# Per parameter name: values its allowedPattern must accept, and values it must refuse.
# Every parameter of every document needs an entry (a test says which one is missing).
PATTERN_EXAMPLES = {
    "GroupId": (
        ["sg-0123456789abcdef0", "sg-12345678"],
        ["sg-1; rm -rf", "sg-0123456789ABCDEF0", "0123456789abcdef0", "sg-0123456789abcdef0\n"],
    ),
    "Ports": (
        ["22,3389", "22", "8080,443,5985"],
        ["22;3389", "22, 3389", "ssh", "", "22,", "123456"],
    ),
    "BucketName": (
        ["my-bucket", "logs.example.com", "abc"],
        ["My_Bucket", "ab", "bucket/../x", "-bucket", "a" * 64, "b; aws s3 rb"],
    ),
    "MinimumPasswordLength": (
        ["6", "9", "14", "99", "100", "119", "128"],
        ["5", "0", "129", "200", "014", "14.0", " 14", "", "fourteen", "14\n"],
    ),
    "PasswordReusePrevention": (
        ["1", "9", "10", "19", "24"],
        ["0", "25", "30", "01", "-1", "", "24\n"],
    ),
    "RequireCharacterClasses": (
        ["true", "false"],
        ["True", "TRUE", "yes", "1", "", "true\n", "false; true"],
    ),
    "AutomationAssumeRole": (
        [
            ROLE_ARN,
            f"arn:aws-cn:iam::{ACCOUNT_ID}:role/service-role/Remediation",
            f"arn:aws-us-gov:iam::{ACCOUNT_ID}:role/a+b=c,d.e@f_g-h",
        ],
        [
            "*",
            f"arn:aws:iam::{ACCOUNT_ID}:user/alice",
            "arn:aws:iam::12345:role/Remediation",
            f"arn:aws:iam::{ACCOUNT_ID}:role/bad name",
            f"arn:aws:iam::{ACCOUNT_ID}:role/" + "r" * 65,
        ],
    ),
}


@cache
def documents() -> dict[str, OwnDocument]:
    return load_documents()


# --- the documents -------------------------------------------------------------------


def test_every_folder_is_a_document_and_fixes_existing_checks() -> None:
    folders = sorted(
        p.name for p in DOCUMENTS_DIR.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
    )
    assert sorted(documents()) == folders
    assert {ADMIN_PORTS, REQUIRE_TLS, EMPTY_DEFAULT, STRENGTHEN} <= set(documents())
    registry = load_registry()
    for document in documents().values():
        assert document.fixes, document.name
        unknown = set(document.fixes) - set(registry)
        assert not unknown, f"{document.name} names unknown checks: {unknown}"
    assert documents()[ADMIN_PORTS].fixes == ("ec2_security_group_admin_ports_restricted",)
    assert documents()[REQUIRE_TLS].fixes == ("s3_bucket_ssl_requests_only",)
    assert documents()[EMPTY_DEFAULT].fixes == ("ec2_default_security_group_closed",)
    assert documents()[STRENGTHEN].fixes == ("iam_password_policy_strong",)


@pytest.mark.parametrize("name", sorted(documents()))
def test_the_built_document_inlines_each_script_verbatim(name: str) -> None:
    document = documents()[name]
    built = build_document(name)
    assert built == document.build()
    assert not PLACEHOLDER.search(json.dumps(built))
    assert built["schemaVersion"] == "0.3"
    assert built["assumeRole"] == "{{ AutomationAssumeRole }}"
    script_steps = [s for s in built["mainSteps"] if s["action"] == SCRIPT_ACTION]
    assert script_steps
    for step in script_steps:
        assert step["inputs"]["Runtime"] == "python3.11"
        assert step["inputs"]["Handler"] == "handler"
        assert step["inputs"]["Script"] == (document.folder / "remediate.py").read_text("utf-8")
    # Nothing but the scripts changed, and the written document still holds placeholders.
    written = json.loads(document.path.read_text("utf-8"))
    for step in built["mainSteps"]:
        if step["action"] == SCRIPT_ACTION:
            step["inputs"]["Script"] = "{{ script:remediate.py }}"
    assert built == written == document.content


def test_an_unknown_document_is_named_with_the_known_ones() -> None:
    with pytest.raises(KeyError, match=f"ScanMonster-Nothing.*{REQUIRE_TLS}"):
        build_document("ScanMonster-Nothing")


@pytest.mark.parametrize("name", sorted(documents()))
def test_ssm_accepts_the_built_document(name: str) -> None:
    """moto's CreateDocument (shallow: it parses the content and reads its parameters)."""
    with mock_aws():
        ssm = boto3.client("ssm", region_name=REGION)
        ssm.create_document(
            Name=name,
            Content=json.dumps(build_document(name)),
            DocumentType="Automation",
            DocumentFormat="JSON",
        )
        described = ssm.describe_document(Name=name)["Document"]
    assert described["SchemaVersion"] == "0.3"
    assert {p["Name"] for p in described["Parameters"]} == set(
        documents()[name].content["parameters"]
    )


@pytest.mark.parametrize(
    ("name", "parameter"),
    [(n, p) for n, d in sorted(documents().items()) for p in d.content["parameters"]],
)
def test_every_allowed_pattern_accepts_good_values_and_refuses_bad_ones(
    name: str, parameter: str
) -> None:
    assert parameter in PATTERN_EXAMPLES, f"add examples for {name} parameter {parameter}"
    pattern = re.compile(documents()[name].content["parameters"][parameter]["allowedPattern"])
    good, bad = PATTERN_EXAMPLES[parameter]
    assert [v for v in good if not pattern.fullmatch(v)] == []
    assert [v for v in bad if pattern.fullmatch(v)] == []


# --- broken documents ------------------------------------------------------------------


def _drop(path: list[str]) -> Callable[[dict], None]:
    def mutate(content: dict) -> None:
        target = content
        for key in path[:-1]:
            target = target[int(key)] if isinstance(target, list) else target[key]
        del target[path[-1]]

    return mutate


def _set(path: list[str], value: Any) -> Callable[[dict], None]:
    def mutate(content: dict) -> None:
        target = content
        for key in path[:-1]:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[path[-1]] = value

    return mutate


def _edit_description(old: str, new: str) -> Callable[[dict], None]:
    def mutate(content: dict) -> None:
        assert old in content["description"]
        content["description"] = content["description"].replace(old, new)

    return mutate


BROKEN = {
    "missing allowedPattern": (
        _drop(["parameters", "GroupId", "allowedPattern"]),
        "parameters.GroupId.allowedPattern",
    ),
    "unanchored allowedPattern": (
        _set(["parameters", "GroupId", "allowedPattern"], "sg-[0-9a-f]+"),
        "parameters.GroupId.allowedPattern",
    ),
    "missing type": (_drop(["parameters", "Ports", "type"]), "parameters.Ports.type"),
    "default refused by its pattern": (
        _set(["parameters", "Ports", "default"], "22; reboot"),
        "parameters.Ports.default",
    ),
    "assume role pattern accepting anything": (
        _set(["parameters", "AutomationAssumeRole", "allowedPattern"], "^.*$"),
        "parameters.AutomationAssumeRole.allowedPattern",
    ),
    "wrong schemaVersion": (_set(["schemaVersion"], "2.2"), "schemaVersion"),
    "no assumeRole": (_drop(["assumeRole"]), "assumeRole"),
    "script file that does not exist": (
        _set(["mainSteps", "0", "inputs", "Script"], "{{ script:missing.py }}"),
        "mainSteps[0].inputs.Script",
    ),
    "inline script instead of a file": (
        _set(["mainSteps", "0", "inputs", "Script"], "def handler(events, context): pass"),
        "mainSteps[0].inputs.Script",
    ),
    "handler the script does not define": (
        _set(["mainSteps", "0", "inputs", "Handler"], "main"),
        "mainSteps[0].inputs.Handler",
    ),
    "unsupported runtime": (
        _set(["mainSteps", "0", "inputs", "Runtime"], "python3.8"),
        "mainSteps[0].inputs.Runtime",
    ),
    "payload naming no parameter": (
        _set(["mainSteps", "0", "inputs", "InputPayload", "GroupId"], "{{ SecurityGroup }}"),
        "mainSteps[0].inputs.InputPayload.GroupId",
    ),
    "output of no step": (_set(["outputs"], ["RevokeAdminPorts.Nothing"]), "outputs"),
    "header without Fixes": (
        _edit_description("## Fixes", "## Remedies"),
        "description.Fixes",
    ),
    "header without Side effects": (
        _edit_description("## Side effects", "## Notes"),
        "description.Side effects",
    ),
    "Inputs section missing a parameter": (
        _edit_description("`Ports`", "the ports"),
        "description.Inputs",
    ),
    "Fixes naming no check id": (
        _edit_description(
            "`ec2_security_group_admin_ports_restricted`", "EC2.53 (the admin ports check)"
        ),
        "description.Fixes",
    ),
}


def copy_document(tmp_path: Path, name: str = ADMIN_PORTS) -> Path:
    folder = tmp_path / name
    shutil.copytree(DOCUMENTS_DIR / name, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_document_fails_naming_the_file_and_field(tmp_path: Path, case: str) -> None:
    mutate, field = BROKEN[case]
    folder = copy_document(tmp_path)
    path = folder / "document.json"
    content = json.loads(path.read_text("utf-8"))
    mutate(content)
    path.write_text(json.dumps(content), encoding="utf-8")
    with pytest.raises(DocumentError) as error:
        load_documents(tmp_path)
    assert error.value.path == str(path)
    assert error.value.field == field
    assert str(error.value).startswith(f"{path}: field '{field}': ")


def test_a_deleted_script_file_fails_naming_the_step(tmp_path: Path) -> None:
    folder = copy_document(tmp_path)
    (folder / "remediate.py").unlink()
    with pytest.raises(DocumentError, match=r"inputs.Script'.*remediate.py") as error:
        load_documents(tmp_path)
    assert error.value.path == str(folder / "document.json")


def test_a_folder_without_document_or_with_a_foreign_name_fails(tmp_path: Path) -> None:
    (tmp_path / "ScanMonster-HalfDone").mkdir()
    with pytest.raises(DocumentError, match=r"document.json: field '<file>': missing"):
        load_documents(tmp_path)
    shutil.rmtree(tmp_path / "ScanMonster-HalfDone")
    copy_document(tmp_path).rename(tmp_path / "AWS-RevokePorts")
    with pytest.raises(DocumentError, match=r"field '<folder>'.*ScanMonster-"):
        load_documents(tmp_path)


def test_a_script_with_ssm_braces_fails(tmp_path: Path) -> None:
    script = copy_document(tmp_path) / "remediate.py"
    script.write_text(script.read_text("utf-8") + '\nTEMPLATE = "{{ GroupId }}"\n', "utf-8")
    with pytest.raises(DocumentError, match=r"inputs.Script'.*SSM would substitute"):
        load_documents(tmp_path)


# --- running a script as SSM does ----------------------------------------------------------


OUTPUT_TYPES: dict[str, Callable[[Any], bool]] = {
    "Boolean": lambda v: isinstance(v, bool),
    "String": lambda v: isinstance(v, str),
    "StringList": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "MapList": lambda v: (
        isinstance(v, list)
        and all(isinstance(m, dict) and all(isinstance(x, str) for x in m.values()) for m in v)
    ),
}


class Run:
    """One automation run: the document outputs, and the IAM actions the script called."""

    def __init__(self, outputs: dict[str, Any], actions: set[str]) -> None:
        self.outputs = outputs
        self.actions = actions

    def __getitem__(self, output: str) -> Any:
        return self.outputs[output]


def script_module(name: str) -> types.ModuleType:
    """The built document's inlined script, as the module SSM's runtime makes of it."""
    (step,) = [s for s in build_document(name)["mainSteps"] if s["action"] == SCRIPT_ACTION]
    module = types.ModuleType(f"remediation_{name.replace('-', '_')}")
    filename = str(documents()[name].folder / "remediate.py")
    exec(compile(step["inputs"]["Script"], filename, "exec"), module.__dict__)
    return module


def run(name: str, monkeypatch: pytest.MonkeyPatch, region: str = REGION, **parameters: str) -> Run:
    document = documents()[name]
    built = build_document(name)
    specs = built["parameters"]
    values = {p: spec["default"] for p, spec in specs.items() if "default" in spec}
    values |= {"AutomationAssumeRole": ROLE_ARN, **parameters}
    assert set(values) == set(specs), f"parameters without a value: {set(specs) - set(values)}"
    for parameter, value in values.items():  # SSM refuses the run otherwise
        assert re.fullmatch(specs[parameter]["allowedPattern"], value), (parameter, value)
    (step,) = built["mainSteps"]
    events = {
        key: re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: values[m.group(1)], text)
        for key, text in step["inputs"]["InputPayload"].items()
    }
    module = script_module(name)

    actions: set[str] = set()

    def record(model: Any, **_: Any) -> None:
        actions.add(f"{model.service_model.signing_name}:{model.name}")

    session = boto3.Session(region_name=region)
    session.events.register("before-parameter-build", record)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", session)
    try:
        payload = module.handler(events, {})
    finally:
        undeclared = actions - set(document.permissions)
        assert not undeclared, f"{name} calls undeclared actions: {sorted(undeclared)}"
    json.dumps(payload)  # the step's payload is JSON
    step_outputs = {}
    for output in step["outputs"]:
        value = payload[output["Selector"].removeprefix("$.Payload.")]
        assert OUTPUT_TYPES[output["Type"]](value), (output, value)
        step_outputs[f"{step['name']}.{output['Name']}"] = value
    return Run({o: step_outputs[o] for o in built["outputs"]}, actions)


def fails(name: str, monkeypatch: pytest.MonkeyPatch, **parameters: str) -> str:
    """The message a run fails with; the exception must be the script's own error."""
    with pytest.raises(Exception) as error:  # noqa: PT011 - the class is the script's own
        run(name, monkeypatch, **parameters)
    assert type(error.value).__name__ == "RemediationError", error.value
    return str(error.value)


@pytest.fixture
def moto() -> Any:
    with mock_aws():
        yield


def scanned(resource_type: str, resource_id: str, region: str = REGION) -> dict[str, Any]:
    """The configuration item the local scanner builds from the API state."""
    factory = ClientFactory(session=boto3.Session(region_name=region))
    items = collect(resource_type, factory, account_id=ACCOUNT_ID, region=region)
    (item,) = [i for i in items if i["resourceId"] == resource_id]
    return item


# --- ScanMonster-RevokeAdminPortsFromInternet ------------------------------------------------

ADMIN_CHECK = "ec2_security_group_admin_ports_restricted"
ADMIN_STEP = "RevokeAdminPorts"


def ec2() -> Any:
    return boto3.client("ec2", region_name=REGION)


def new_group(name: str = "web") -> tuple[str, str]:
    vpc_id = ec2().create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    group_id = ec2().create_security_group(GroupName=name, Description=name, VpcId=vpc_id)[
        "GroupId"
    ]
    return vpc_id, group_id


def rules(group_id: str, *, egress: bool = False) -> set[tuple[str, int, int, str]]:
    """The group's rules as (protocol, from, to, source or destination)."""
    found = ec2().describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [group_id]}]
    )["SecurityGroupRules"]
    return {
        (
            r["IpProtocol"],
            r["FromPort"],
            r["ToPort"],
            r.get("CidrIpv4")
            or r.get("CidrIpv6")
            or r.get("PrefixListId")
            or r["ReferencedGroupInfo"]["GroupId"],
        )
        for r in found
        if r["IsEgress"] == egress
    }


def allow(group_id: str, protocol: str, ports: tuple[int, int], **sources: Any) -> None:
    ec2().authorize_security_group_ingress(
        GroupId=group_id,
        IpPermissions=[
            {"IpProtocol": protocol, "FromPort": ports[0], "ToPort": ports[1], **sources}
        ],
    )


def exposed_group() -> tuple[str, str]:
    """A group with admin ports open to the internet among rules that must all stay."""
    _, group_id = new_group()
    _, other_group = new_group("bastion")
    allow(
        group_id,
        "tcp",
        (22, 22),
        IpRanges=[
            {"CidrIp": "0.0.0.0/0", "Description": "ssh from anywhere"},
            {"CidrIp": "10.0.0.0/8"},
        ],
        PrefixListIds=[{"PrefixListId": "pl-0123456789abcdef0"}],
        UserIdGroupPairs=[{"GroupId": other_group}],
    )
    allow(group_id, "tcp", (3389, 3389), Ipv6Ranges=[{"CidrIpv6": "::/0"}])
    allow(group_id, "udp", (3389, 3389), IpRanges=[{"CidrIp": "0.0.0.0/0"}])
    allow(group_id, "tcp", (20, 30), IpRanges=[{"CidrIp": "0.0.0.0/0"}])
    allow(
        group_id,
        "tcp",
        (443, 443),
        IpRanges=[{"CidrIp": "0.0.0.0/0"}],
        Ipv6Ranges=[{"CidrIpv6": "::/0"}],
    )
    allow(group_id, "tcp", (3389, 3389), IpRanges=[{"CidrIp": "192.168.0.0/16"}])
    allow(group_id, "icmp", (-1, -1), IpRanges=[{"CidrIp": "0.0.0.0/0"}])
    ec2().authorize_security_group_egress(
        GroupId=group_id,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    return group_id, other_group


def test_admin_ports_are_revoked_and_every_other_rule_stays(
    moto: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    group_id, other_group = exposed_group()
    egress_before = rules(group_id, egress=True)
    assert verdict(ADMIN_CHECK, scanned(SG, group_id)) == "NON_COMPLIANT"

    result = run(ADMIN_PORTS, monkeypatch, GroupId=group_id)

    assert verdict(ADMIN_CHECK, scanned(SG, group_id)) == "COMPLIANT"
    assert rules(group_id) == {
        ("tcp", 22, 22, "10.0.0.0/8"),
        ("tcp", 22, 22, "pl-0123456789abcdef0"),
        ("tcp", 22, 22, other_group),
        ("tcp", 443, 443, "0.0.0.0/0"),
        ("tcp", 443, 443, "::/0"),
        ("tcp", 3389, 3389, "192.168.0.0/16"),
        ("icmp", -1, -1, "0.0.0.0/0"),
    }
    assert rules(group_id, egress=True) == egress_before  # outbound untouched
    assert result[f"{ADMIN_STEP}.Changed"] is True
    revoked = {r["Rule"]: r for r in result[f"{ADMIN_STEP}.RevokedRules"]}
    assert set(revoked) == {
        "TCP 22 from 0.0.0.0/0",
        "TCP 3389 from ::/0",
        "UDP 3389 from 0.0.0.0/0",
        "TCP 20-30 from 0.0.0.0/0",
    }
    assert revoked["TCP 22 from 0.0.0.0/0"]["Description"] == "ssh from anywhere"
    assert revoked["TCP 22 from 0.0.0.0/0"]["ReAddToKeepOtherPorts"] == ""
    # The range could not be split: it is reported with the rules that would keep 20-21, 23-30.
    assert revoked["TCP 20-30 from 0.0.0.0/0"]["ExposedPorts"] == "22"
    assert revoked["TCP 20-30 from 0.0.0.0/0"]["ReAddToKeepOtherPorts"] == (
        "TCP 20-21, 23-30 from 0.0.0.0/0"
    )
    assert "TCP 20-21, 23-30 from 0.0.0.0/0" in result[f"{ADMIN_STEP}.Message"]
    assert group_id in result[f"{ADMIN_STEP}.Message"]
    assert result.actions == set(documents()[ADMIN_PORTS].permissions)

    again = run(ADMIN_PORTS, monkeypatch, GroupId=group_id)

    assert again[f"{ADMIN_STEP}.Changed"] is False
    assert again[f"{ADMIN_STEP}.RevokedRules"] == []
    assert again[f"{ADMIN_STEP}.Message"].startswith(f"Nothing changed: security group {group_id}")
    assert "ec2:RevokeSecurityGroupIngress" not in again.actions
    assert len(rules(group_id)) == 7


def test_all_traffic_from_anywhere_is_revoked_and_reported(
    moto: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, group_id = new_group()
    ec2().authorize_security_group_ingress(
        GroupId=group_id,
        IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    assert verdict(ADMIN_CHECK, scanned(SG, group_id)) == "NON_COMPLIANT"

    result = run(ADMIN_PORTS, monkeypatch, GroupId=group_id)

    assert rules(group_id) == set()
    assert verdict(ADMIN_CHECK, scanned(SG, group_id)) == "COMPLIANT"
    (revoked,) = result[f"{ADMIN_STEP}.RevokedRules"]
    assert revoked["Rule"] == "all traffic from 0.0.0.0/0"
    assert revoked["ExposedPorts"] == "22,3389"
    assert revoked["ReAddToKeepOtherPorts"].startswith("all traffic from 0.0.0.0/0 was allowed")


def test_the_ports_parameter_chooses_the_ports(moto: None, monkeypatch: pytest.MonkeyPatch) -> None:
    _, group_id = new_group()
    allow(group_id, "tcp", (22, 22), IpRanges=[{"CidrIp": "0.0.0.0/0"}])
    allow(group_id, "tcp", (8080, 8080), IpRanges=[{"CidrIp": "0.0.0.0/0"}])

    result = run(ADMIN_PORTS, monkeypatch, GroupId=group_id, Ports="8080")

    assert [r["Rule"] for r in result[f"{ADMIN_STEP}.RevokedRules"]] == ["TCP 8080 from 0.0.0.0/0"]
    assert rules(group_id) == {("tcp", 22, 22, "0.0.0.0/0")}
    item = scanned(SG, group_id)
    assert verdict(ADMIN_CHECK, item, parameters={"Ports": "8080"}) == "COMPLIANT"
    assert verdict(ADMIN_CHECK, item) == "NON_COMPLIANT"  # 22 was not asked for


def test_admin_ports_fail_clearly(moto: None, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = "sg-0123456789abcdef0"
    message = fails(ADMIN_PORTS, monkeypatch, GroupId=missing)
    assert f"Security group {missing} does not exist" in message
    _, group_id = new_group()
    message = fails(ADMIN_PORTS, monkeypatch, GroupId=group_id, Ports="22,70000")
    assert "'70000' is not a port number" in message


# --- ScanMonster-EmptyDefaultSecurityGroup -----------------------------------------------------

DEFAULT_CHECK = "ec2_default_security_group_closed"
DEFAULT_STEP = "EmptyDefaultGroup"


def default_group() -> tuple[str, str]:
    """A new VPC's default group with the rules AWS creates (moto omits the inbound one)
    and one more inbound rule."""
    vpc_id = ec2().create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    (group,) = ec2().describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"]
    group_id = group["GroupId"]
    ec2().authorize_security_group_ingress(
        GroupId=group_id,
        IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group_id}]}],
    )
    allow(group_id, "tcp", (22, 22), IpRanges=[{"CidrIp": "10.0.0.0/8", "Description": "admin"}])
    return vpc_id, group_id


def test_the_default_group_is_emptied(moto: None, monkeypatch: pytest.MonkeyPatch) -> None:
    vpc_id, group_id = default_group()
    assert rules(group_id, egress=True) == {("-1", -1, -1, "0.0.0.0/0")}
    assert verdict(DEFAULT_CHECK, scanned(SG, group_id)) == "NON_COMPLIANT"

    result = run(EMPTY_DEFAULT, monkeypatch, GroupId=group_id)

    assert rules(group_id) == set()
    assert rules(group_id, egress=True) == set()
    assert verdict(DEFAULT_CHECK, scanned(SG, group_id)) == "COMPLIANT"
    assert result[f"{DEFAULT_STEP}.Changed"] is True
    inbound = {r["Rule"]: r for r in result[f"{DEFAULT_STEP}.RevokedInbound"]}
    assert set(inbound) == {f"all traffic from {group_id}", "TCP 22 from 10.0.0.0/8"}
    assert inbound["TCP 22 from 10.0.0.0/8"]["Description"] == "admin"
    assert [r["Rule"] for r in result[f"{DEFAULT_STEP}.RevokedOutbound"]] == [
        "all traffic to 0.0.0.0/0"
    ]
    assert f"{group_id} of VPC {vpc_id}" in result[f"{DEFAULT_STEP}.Message"]
    assert result.actions == set(documents()[EMPTY_DEFAULT].permissions)

    again = run(EMPTY_DEFAULT, monkeypatch, GroupId=group_id)

    assert again[f"{DEFAULT_STEP}.Changed"] is False
    assert again[f"{DEFAULT_STEP}.RevokedInbound"] == again[f"{DEFAULT_STEP}.RevokedOutbound"] == []
    assert again[f"{DEFAULT_STEP}.Message"].startswith("Nothing changed")
    assert not {a for a in again.actions if ":Revoke" in a}


def test_a_group_not_named_default_is_refused_untouched(
    moto: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, group_id = new_group("app")
    allow(group_id, "tcp", (443, 443), IpRanges=[{"CidrIp": "0.0.0.0/0"}])
    before = (rules(group_id), rules(group_id, egress=True))

    message = fails(EMPTY_DEFAULT, monkeypatch, GroupId=group_id)

    assert f"Security group {group_id} is named 'app', not 'default'" in message
    assert "nothing was changed" in message
    assert (rules(group_id), rules(group_id, egress=True)) == before


def test_a_missing_default_group_fails_clearly(moto: None, monkeypatch: pytest.MonkeyPatch) -> None:
    message = fails(EMPTY_DEFAULT, monkeypatch, GroupId="sg-0123456789abcdef0")
    assert "Security group sg-0123456789abcdef0 does not exist" in message


# --- ScanMonster-RequireTlsForBucket -----------------------------------------------------------

TLS_CHECK = "s3_bucket_ssl_requests_only"
TLS_STEP = "RequireTls"
SID = "ScanMonsterDenyInsecureTransport"
BUCKET = "scanmonster-example-data"


def s3(region: str = REGION) -> Any:
    return boto3.client("s3", region_name=region)


def new_bucket(name: str = BUCKET, region: str = REGION, policy: dict | None = None) -> None:
    if region == "us-east-1":
        s3(region).create_bucket(Bucket=name)
    else:
        s3(region).create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": region}
        )
    if policy is not None:
        s3(region).put_bucket_policy(Bucket=name, Policy=json.dumps(policy))


def bucket_policy(name: str = BUCKET, region: str = REGION) -> dict[str, Any]:
    return json.loads(s3(region).get_bucket_policy(Bucket=name)["Policy"])


def deny_insecure(name: str = BUCKET, partition: str = "aws") -> dict[str, Any]:
    return {
        "Sid": SID,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:{partition}:s3:::{name}", f"arn:{partition}:s3:::{name}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


READERS = {
    "Sid": "ReadersMayRead",
    "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:role/Readers"},
    "Action": ["s3:GetObject"],
    "Resource": f"arn:aws:s3:::{BUCKET}/*",
}
WRITERS = {
    "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:role/Writers"},
    "Action": "s3:PutObject",
    "Resource": f"arn:aws:s3:::{BUCKET}/incoming/*",
}


def test_the_deny_is_added_and_every_other_statement_kept(
    moto: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    new_bucket(policy={"Version": "2012-10-17", "Id": "data", "Statement": [READERS, WRITERS]})
    assert verdict(TLS_CHECK, scanned(S3, BUCKET)) == "NON_COMPLIANT"

    result = run(REQUIRE_TLS, monkeypatch, BucketName=BUCKET)

    assert bucket_policy() == {
        "Version": "2012-10-17",
        "Id": "data",
        "Statement": [READERS, WRITERS, deny_insecure()],
    }
    assert verdict(TLS_CHECK, scanned(S3, BUCKET)) == "COMPLIANT"
    assert result[f"{TLS_STEP}.Changed"] is True
    assert result[f"{TLS_STEP}.PolicyAction"] == "added"
    assert BUCKET in result[f"{TLS_STEP}.Message"]
    assert result.actions == set(documents()[REQUIRE_TLS].permissions)

    written = s3().get_bucket_policy(Bucket=BUCKET)["Policy"]
    again = run(REQUIRE_TLS, monkeypatch, BucketName=BUCKET)

    assert again[f"{TLS_STEP}.Changed"] is False
    assert again[f"{TLS_STEP}.PolicyAction"] == "unchanged"
    assert again[f"{TLS_STEP}.Message"].startswith("Nothing changed")
    assert again.actions == {"s3:GetBucketPolicy"}  # read only: nothing written
    assert s3().get_bucket_policy(Bucket=BUCKET)["Policy"] == written


def test_a_bucket_without_policy_gets_one(moto: None, monkeypatch: pytest.MonkeyPatch) -> None:
    new_bucket()
    assert verdict(TLS_CHECK, scanned(S3, BUCKET)) == "NON_COMPLIANT"

    result = run(REQUIRE_TLS, monkeypatch, BucketName=BUCKET)

    assert result[f"{TLS_STEP}.PolicyAction"] == "created"
    assert bucket_policy() == {"Version": "2012-10-17", "Statement": [deny_insecure()]}
    assert verdict(TLS_CHECK, scanned(S3, BUCKET)) == "COMPLIANT"


def test_our_statement_that_differs_is_replaced(
    moto: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = {**deny_insecure(), "Condition": {"Bool": {"aws:SecureTransport": "true"}}}
    new_bucket(policy={"Version": "2012-10-17", "Statement": [wrong, READERS]})

    result = run(REQUIRE_TLS, monkeypatch, BucketName=BUCKET)

    assert result[f"{TLS_STEP}.PolicyAction"] == "replaced"
    assert bucket_policy()["Statement"] == [READERS, deny_insecure()]
    assert verdict(TLS_CHECK, scanned(S3, BUCKET)) == "COMPLIANT"


@pytest.mark.parametrize(
    "spelling",
    [
        {"Principal": {"AWS": "*"}},
        {"Principal": {"AWS": ["*"]}, "Action": ["s3:*"]},
        {"Condition": {"Bool": {"aws:SecureTransport": False}}},
        {"Condition": {"Bool": {"aws:securetransport": ["false"]}}},
    ],
)
def test_our_statement_in_another_spelling_is_kept(
    moto: None, monkeypatch: pytest.MonkeyPatch, spelling: dict
) -> None:
    """S3 may hand the policy back spelled differently: the same meaning is no change."""
    stored = {"Version": "2012-10-17", "Statement": [READERS, {**deny_insecure(), **spelling}]}
    new_bucket(policy=stored)

    result = run(REQUIRE_TLS, monkeypatch, BucketName=BUCKET)

    assert result[f"{TLS_STEP}.Changed"] is False
    assert bucket_policy() == stored


def test_a_single_statement_policy_is_kept(moto: None, monkeypatch: pytest.MonkeyPatch) -> None:
    new_bucket(policy={"Version": "2012-10-17", "Statement": READERS})

    run(REQUIRE_TLS, monkeypatch, BucketName=BUCKET)

    assert bucket_policy()["Statement"] == [READERS, deny_insecure()]


def test_the_arns_use_the_bucket_partition(moto: None, monkeypatch: pytest.MonkeyPatch) -> None:
    region = "cn-north-1"
    new_bucket(region=region)

    run(REQUIRE_TLS, monkeypatch, region=region, BucketName=BUCKET)

    assert bucket_policy(region=region)["Statement"] == [deny_insecure(partition="aws-cn")]
    item = scanned(S3, BUCKET, region=region)
    assert item["ARN"] == f"arn:aws-cn:s3:::{BUCKET}"
    assert verdict(TLS_CHECK, item) == "COMPLIANT"


def test_a_missing_bucket_fails_clearly(moto: None, monkeypatch: pytest.MonkeyPatch) -> None:
    message = fails(REQUIRE_TLS, monkeypatch, BucketName="scanmonster-no-such-bucket")
    assert "Bucket scanmonster-no-such-bucket does not exist" in message


# --- ScanMonster-StrengthenPasswordPolicy ------------------------------------------------------

PASSWORD_CHECK = "iam_password_policy_strong"
PASSWORD_STEP = "StrengthenPasswordPolicy"
CLASSES = (
    "RequireUppercaseCharacters",
    "RequireLowercaseCharacters",
    "RequireNumbers",
    "RequireSymbols",
)


def iam() -> Any:
    return boto3.client("iam", region_name=REGION)


def password_policy() -> dict[str, Any]:
    """The policy as moto returns it: every field present (real IAM leaves MaxPasswordAge
    and PasswordReusePrevention out when they are off; moto gives MaxPasswordAge 0)."""
    return iam().get_account_password_policy()["PasswordPolicy"]


def password_verdict(parameters: dict[str, str] | None = None) -> str:
    """The check's own verdict, from a scheduled run against the account's API state."""
    factory = ClientFactory(session=boto3.Session(region_name=REGION))
    (evaluation,) = run_periodic(PASSWORD_CHECK, factory, parameters=parameters)
    return evaluation["ComplianceType"]


def test_a_weak_policy_is_raised_and_everything_else_kept(
    moto: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Longer than required, reuse too low, one character type, expiry with hard expiry, and
    # users not allowed to change their own password: only reuse and the types may change.
    iam().update_account_password_policy(
        MinimumPasswordLength=20,
        PasswordReusePrevention=5,
        RequireSymbols=True,
        MaxPasswordAge=90,
        HardExpiry=True,
        AllowUsersToChangePassword=False,
    )
    assert password_verdict() == "NON_COMPLIANT"

    result = run(STRENGTHEN, monkeypatch)

    assert password_policy() == {
        "MinimumPasswordLength": 20,  # stricter than 14: kept
        "PasswordReusePrevention": 24,
        **dict.fromkeys(CLASSES, True),
        "AllowUsersToChangePassword": False,
        "ExpirePasswords": True,
        "MaxPasswordAge": 90,
        "HardExpiry": True,
    }
    assert password_verdict() == "COMPLIANT"
    assert result[f"{PASSWORD_STEP}.Changed"] is True
    assert result[f"{PASSWORD_STEP}.ChangedSettings"] == [
        {"Setting": "PasswordReusePrevention", "Before": "5", "After": "24"},
        {"Setting": "RequireUppercaseCharacters", "Before": "false", "After": "true"},
        {"Setting": "RequireLowercaseCharacters", "Before": "false", "After": "true"},
        {"Setting": "RequireNumbers", "Before": "false", "After": "true"},
    ]
    message = result[f"{PASSWORD_STEP}.Message"]
    assert "reuse prevention last 5 -> last 24 passwords" in message
    assert "uppercase letters, lowercase letters, numbers now required" in message
    assert "minimum length" not in message
    assert "Existing passwords keep working" in message
    assert result.actions == set(documents()[STRENGTHEN].permissions)

    again = run(STRENGTHEN, monkeypatch)

    assert again[f"{PASSWORD_STEP}.Changed"] is False
    assert again[f"{PASSWORD_STEP}.ChangedSettings"] == []
    assert again[f"{PASSWORD_STEP}.Message"].startswith("Nothing changed")
    assert again.actions == {"iam:GetAccountPasswordPolicy"}  # read only: nothing written
    assert password_policy()["MinimumPasswordLength"] == 20


def test_an_account_without_a_policy_gets_one(moto: None, monkeypatch: pytest.MonkeyPatch) -> None:
    assert password_verdict() == "NON_COMPLIANT"

    result = run(STRENGTHEN, monkeypatch)

    assert password_policy() == {
        "MinimumPasswordLength": 14,
        "PasswordReusePrevention": 24,
        **dict.fromkeys(CLASSES, True),
        "AllowUsersToChangePassword": True,
        "ExpirePasswords": False,
        "MaxPasswordAge": 0,  # moto's "never expire"
        "HardExpiry": False,
    }
    assert password_verdict() == "COMPLIANT"
    assert result[f"{PASSWORD_STEP}.ChangedSettings"] == [
        {"Setting": "MinimumPasswordLength", "Before": "not set", "After": "14"},
        {"Setting": "PasswordReusePrevention", "Before": "not set", "After": "24"},
        *({"Setting": c, "Before": "not set", "After": "true"} for c in CLASSES),
        {"Setting": "AllowUsersToChangePassword", "Before": "not set", "After": "true"},
    ]
    assert result[f"{PASSWORD_STEP}.Message"].startswith("The account had no password policy")
    assert result.actions == set(documents()[STRENGTHEN].permissions)

    again = run(STRENGTHEN, monkeypatch)

    assert again[f"{PASSWORD_STEP}.Changed"] is False
    assert again.actions == {"iam:GetAccountPasswordPolicy"}


def test_a_new_policy_is_never_weaker_than_iams_default_rules(
    moto: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a policy IAM asks for 8 characters and three of four character types; a
    team that asks for less must not get less than that."""
    run(STRENGTHEN, monkeypatch, MinimumPasswordLength="6", RequireCharacterClasses="false")

    policy = password_policy()
    assert policy["MinimumPasswordLength"] == 8
    assert {c: policy[c] for c in CLASSES} == dict.fromkeys(CLASSES, True)
    parameters = {"MinimumPasswordLength": "6", "RequireCharacterClasses": "false"}
    assert password_verdict(parameters) == "COMPLIANT"


def test_the_configured_thresholds_are_honoured(
    moto: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    iam().update_account_password_policy(
        MinimumPasswordLength=14,
        PasswordReusePrevention=10,
        RequireSymbols=True,
        AllowUsersToChangePassword=True,
    )
    parameters = {
        "MinimumPasswordLength": "16",
        "PasswordReusePrevention": "5",
        "RequireCharacterClasses": "false",
    }
    assert password_verdict(parameters) == "NON_COMPLIANT"

    result = run(STRENGTHEN, monkeypatch, **parameters)

    policy = password_policy()
    assert policy["MinimumPasswordLength"] == 16
    assert policy["PasswordReusePrevention"] == 10  # more than the 5 asked for: kept
    # Character types not asked for: none added, and the one already required stays.
    assert {c: policy[c] for c in CLASSES} == {
        **dict.fromkeys(CLASSES, False),
        "RequireSymbols": True,
    }
    assert policy["AllowUsersToChangePassword"] is True
    assert result[f"{PASSWORD_STEP}.ChangedSettings"] == [
        {"Setting": "MinimumPasswordLength", "Before": "14", "After": "16"}
    ]
    assert password_verdict(parameters) == "COMPLIANT"
    assert password_verdict() == "NON_COMPLIANT"  # the default thresholds ask for more


def test_the_fix_resolved_from_check_toml_satisfies_the_check(
    moto: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The values the deployment passes: check.toml's references, resolved with the team's
    configured thresholds, reach the document and leave the check passing with them."""
    check = load_registry()[PASSWORD_CHECK]
    configured = {**check.default_parameters(), "MinimumPasswordLength": 16}
    resolved = check.remediation.document_parameters(configured)
    assert resolved == {
        "MinimumPasswordLength": "16",
        "PasswordReusePrevention": "24",
        "RequireCharacterClasses": "true",
    }
    iam().update_account_password_policy(MinimumPasswordLength=14)

    run(STRENGTHEN, monkeypatch, **resolved)

    assert password_policy()["MinimumPasswordLength"] == 16
    assert password_verdict({"MinimumPasswordLength": "16"}) == "COMPLIANT"


def test_the_policy_as_iam_returns_it_is_written_back_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Real IAM leaves out MaxPasswordAge, PasswordReusePrevention and HardExpiry when they
    are off, and adds ExpirePasswords, which UpdateAccountPasswordPolicy does not take. The
    Stubber checks the write against the API model and the exact parameters."""
    client = boto3.Session(region_name=REGION).client("iam")
    stubber = Stubber(client)
    current = {
        "MinimumPasswordLength": 10,
        **dict.fromkeys(CLASSES, True),
        "RequireNumbers": False,
        "AllowUsersToChangePassword": True,
        "ExpirePasswords": True,
        "MaxPasswordAge": 365,
    }
    stubber.add_response("get_account_password_policy", {"PasswordPolicy": current})
    stubber.add_response(
        "update_account_password_policy",
        {},
        {
            "MinimumPasswordLength": 14,
            "PasswordReusePrevention": 24,
            **dict.fromkeys(CLASSES, True),
            "AllowUsersToChangePassword": True,
            "HardExpiry": False,
            "MaxPasswordAge": 365,
        },
    )
    stubber.activate()
    monkeypatch.setattr(boto3, "client", lambda *args, **kwargs: client)

    result = run(STRENGTHEN, monkeypatch)

    stubber.assert_no_pending_responses()
    assert [c["Setting"] for c in result[f"{PASSWORD_STEP}.ChangedSettings"]] == [
        "MinimumPasswordLength",
        "PasswordReusePrevention",
        "RequireNumbers",
    ]
    assert "reuse prevention off -> last 24 passwords" in result[f"{PASSWORD_STEP}.Message"]


@pytest.mark.parametrize(
    ("events", "named"),
    [
        ({"MinimumPasswordLength": "5"}, "MinimumPasswordLength '5'"),
        ({"PasswordReusePrevention": "25"}, "PasswordReusePrevention '25'"),
        ({"RequireCharacterClasses": "yes"}, "RequireCharacterClasses 'yes'"),
    ],
)
def test_the_script_itself_refuses_values_out_of_range(
    moto: None, events: dict[str, str], named: str
) -> None:
    """SSM's allowedPattern stops these first; the script does not rely on it."""
    module = script_module(STRENGTHEN)
    with pytest.raises(Exception) as error:  # noqa: PT011 - the class is the script's own
        module.handler(events, {})
    assert type(error.value).__name__ == "RemediationError"
    assert named in str(error.value)
    assert "nothing was changed" in str(error.value)
    with pytest.raises(iam().exceptions.NoSuchEntityException):
        iam().get_account_password_policy()


@pytest.mark.parametrize(
    "failing", ["get_account_password_policy", "update_account_password_policy"]
)
def test_iam_refusing_fails_clearly_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    """moto grants everything, so IAM's refusal comes from botocore's Stubber."""
    client = boto3.Session(region_name=REGION).client("iam")
    stubber = Stubber(client)
    if failing == "update_account_password_policy":
        stubber.add_response(
            "get_account_password_policy",
            {"PasswordPolicy": {"MinimumPasswordLength": 8, "AllowUsersToChangePassword": True}},
        )
    stubber.add_client_error(failing, service_error_code="AccessDenied", http_status_code=403)
    stubber.activate()
    monkeypatch.setattr(boto3, "client", lambda *args, **kwargs: client)

    message = fails(STRENGTHEN, monkeypatch)

    verb = "read" if failing.startswith("get") else "write"
    assert f"Could not {verb} the account password policy" in message
    assert "AccessDenied" in message
    assert message.endswith("nothing was changed.")
    stubber.assert_no_pending_responses()
