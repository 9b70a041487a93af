"""Every check's [remediation] against the document it names, for all checks at once.

A person who clicks "Fix" must get a run that starts (the document exists, every required
parameter is supplied, AWS Config's resource id lands in the right parameter), that is
allowed to do its work and nothing else (the role's permissions are the document's), and
that leaves the resource in a state the check passes, with the check's parameters as the
team configured them. The AWS-owned documents are data (remediations/aws-owned.toml); its
validation is tested here too.
"""

from __future__ import annotations

import re
from pathlib import Path

import boto3
import pytest

from scanmonster.metadata import ASSUME_ROLE_PARAMETER as METADATA_ASSUME_ROLE
from scanmonster.remediation.aws_owned import AWS_OWNED_FILE, load_aws_owned
from scanmonster.remediation.documents import (
    ASSUME_ROLE_PARAMETER,
    DocumentError,
    load_documents,
)
from scanmonster.remediation.specs import document_specs, remediation_document_spec
from tests.support import ACCOUNT_ID, load_item, registry, run_periodic, verdict

CHECK_IDS = sorted(registry())
REMEDIATED = [c for c in CHECK_IDS if registry()[c].remediation is not None]
SPECS = document_specs()
OWN = load_documents()
MIN_REMEDIATED = 8


def remediation(check_id: str):
    result = registry()[check_id].remediation
    assert result is not None
    return result


# --- the documents exist and take what the checks give them --------------------------------


def test_most_checks_can_be_fixed() -> None:
    assert len(REMEDIATED) >= MIN_REMEDIATED, REMEDIATED


def test_metadata_and_documents_agree_on_the_role_parameter() -> None:
    assert METADATA_ASSUME_ROLE == ASSUME_ROLE_PARAMETER


@pytest.mark.parametrize("check_id", REMEDIATED)
def test_the_document_exists_where_its_name_says(check_id: str) -> None:
    fix = remediation(check_id)
    assert fix.document in SPECS, f"{fix.document} is neither under remediations/ nor AWS-owned"
    # Ours are deployed from remediations/; an AWS-owned one must not be expected there.
    assert SPECS[fix.document].own is (not fix.aws_owned)


@pytest.mark.parametrize("check_id", [c for c in REMEDIATED if not remediation(c).aws_owned])
def test_our_document_says_it_fixes_the_check(check_id: str) -> None:
    assert check_id in OWN[remediation(check_id).document].fixes


@pytest.mark.parametrize("check_id", REMEDIATED)
def test_the_check_passes_only_parameters_the_document_has(check_id: str) -> None:
    fix, spec = remediation(check_id), SPECS[remediation(check_id).document]
    if fix.resource_parameter:
        assert fix.resource_parameter in spec.parameters
    assert set(fix.parameters) <= set(spec.parameters)


@pytest.mark.parametrize("check_id", REMEDIATED)
def test_the_role_is_the_deployments_and_every_required_parameter_is_supplied(
    check_id: str,
) -> None:
    fix, spec = remediation(check_id), SPECS[remediation(check_id).document]
    assert ASSUME_ROLE_PARAMETER in spec.parameters
    assert ASSUME_ROLE_PARAMETER not in fix.parameters
    assert fix.resource_parameter != ASSUME_ROLE_PARAMETER
    supplied = {ASSUME_ROLE_PARAMETER, *fix.parameters} | (
        {fix.resource_parameter} if fix.resource_parameter else set()
    )
    assert set(spec.required) - supplied == set()


@pytest.mark.parametrize("check_id", REMEDIATED)
def test_the_automation_role_gets_exactly_what_the_document_needs(check_id: str) -> None:
    fix = remediation(check_id)
    assert set(fix.permissions) == set(SPECS[fix.document].permissions)


@pytest.mark.parametrize("check_id", REMEDIATED)
def test_a_fix_for_a_resource_receives_the_resource_id(check_id: str) -> None:
    check = registry()[check_id]
    if not check.is_account_level:
        assert remediation(check_id).resource_parameter, (
            f"{check_id} evaluates {check.resource_types}: AWS Config's RESOURCE_ID must "
            "reach the document"
        )


def test_every_document_is_used_by_a_check() -> None:
    used = {remediation(c).document for c in REMEDIATED}
    assert set(SPECS) - used == set(), "dead documents: remove them or name them in a check"


@pytest.mark.parametrize("name", sorted(OWN))
def test_the_checks_our_document_says_it_fixes_name_it(name: str) -> None:
    named_by = {c for c in REMEDIATED if remediation(c).document == name}
    assert set(OWN[name].fixes) == named_by


# --- fixed parameters: resolved from the check's configuration, and enough for the check ---


@pytest.mark.parametrize("check_id", REMEDIATED)
def test_fixed_parameters_resolve_with_the_checks_defaults(check_id: str) -> None:
    fix = remediation(check_id)
    resolved = fix.document_parameters(registry()[check_id].default_parameters())
    assert set(resolved) == set(fix.parameters)
    assert all(value and "${" not in value for value in resolved.values()), resolved


@pytest.mark.parametrize("check_id", [c for c in REMEDIATED if not remediation(c).aws_owned])
def test_our_documents_accept_the_resolved_values(check_id: str) -> None:
    """SSM checks every value against the parameter's allowedPattern before it runs."""
    fix = remediation(check_id)
    parameters = OWN[fix.document].content["parameters"]
    for name, value in fix.document_parameters(registry()[check_id].default_parameters()).items():
        assert re.fullmatch(parameters[name]["allowedPattern"], value), (name, value)


# How each fixed parameter set is proven to satisfy its check (tests below). A check that
# starts fixing parameters needs a proof here before it passes.
PROVEN = {
    "ec2_security_group_admin_ports_restricted",
    "s3_bucket_public_access_blocked",
    "s3_account_public_access_blocked",
    # test_documents.py: the configured thresholds are honoured, and the values check.toml
    # resolves to reach the document and leave the check COMPLIANT.
    "iam_password_policy_strong",
}


@pytest.mark.parametrize("check_id", [c for c in REMEDIATED if remediation(c).parameters])
def test_fixed_parameters_are_proven_to_satisfy_the_check(check_id: str) -> None:
    assert check_id in PROVEN, f"add a test that {check_id}'s fixed parameters satisfy it"


@pytest.mark.parametrize("ports", [[22, 3389], [22], [2222, 3389, 5985, 5986]])
def test_the_admin_ports_fix_closes_exactly_the_ports_the_check_looks_for(
    ports: list[int],
) -> None:
    check_id = "ec2_security_group_admin_ports_restricted"
    values = {**registry()[check_id].default_parameters(), "Ports": ports}
    resolved = remediation(check_id).document_parameters(values)["Ports"]
    assert sorted(int(p) for p in resolved.split(",")) == sorted(ports)
    pattern = OWN[remediation(check_id).document].content["parameters"]["Ports"]["allowedPattern"]
    assert re.fullmatch(pattern, resolved)


PAB_SETTINGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def _on(resolved: dict[str, str], name: str) -> bool:
    # SSM reads a Boolean parameter from AWS Config's text value.
    return resolved.get(name) == "true"


def test_the_bucket_public_access_fix_leaves_a_bucket_the_check_passes() -> None:
    check_id = "s3_bucket_public_access_blocked"
    item = load_item("AWS::S3::Bucket", "private-all-blocked")
    block = item["supplementaryConfiguration"]["PublicAccessBlockConfiguration"]
    block.update(dict.fromkeys(block, False))
    assert verdict(check_id, item) == "NON_COMPLIANT"

    resolved = remediation(check_id).document_parameters(registry()[check_id].default_parameters())
    # What PutPublicAccessBlock records: the item's keys are the API names, camelCase.
    for name in PAB_SETTINGS:
        block[name[0].lower() + name[1:]] = _on(resolved, name)
    assert verdict(check_id, item) == "COMPLIANT"


def test_the_account_public_access_fix_leaves_an_account_the_check_passes(aws) -> None:
    check_id = "s3_account_public_access_blocked"
    s3control = boto3.client("s3control")
    s3control.put_public_access_block(
        AccountId=ACCOUNT_ID, PublicAccessBlockConfiguration=dict.fromkeys(PAB_SETTINGS, False)
    )
    assert run_periodic(check_id, aws)[0]["ComplianceType"] == "NON_COMPLIANT"

    resolved = remediation(check_id).document_parameters(registry()[check_id].default_parameters())
    s3control.put_public_access_block(
        AccountId=ACCOUNT_ID,
        PublicAccessBlockConfiguration={name: _on(resolved, name) for name in PAB_SETTINGS},
    )
    assert run_periodic(check_id, aws)[0]["ComplianceType"] == "COMPLIANT"


def test_the_password_policy_fix_raises_what_falls_short_instead_of_replacing_it() -> None:
    """SetIAMPasswordPolicy resets every setting it is not given (see aws-owned.toml): the
    check uses our document, which keeps what it does not raise."""
    fix = registry()["iam_password_policy_strong"].remediation
    assert fix is not None
    assert fix.document == "ScanMonster-StrengthenPasswordPolicy"
    assert "AWSConfigRemediation-SetIAMPasswordPolicy" not in SPECS


# --- the lookup -----------------------------------------------------------------------------


def test_a_spec_of_ours_comes_from_its_document() -> None:
    spec = remediation_document_spec("ScanMonster-RevokeAdminPortsFromInternet")
    assert spec.own
    assert set(spec.parameters) == {"GroupId", "Ports", ASSUME_ROLE_PARAMETER}
    assert set(spec.required) == {"GroupId", ASSUME_ROLE_PARAMETER}  # Ports has a default
    assert spec.permissions == OWN["ScanMonster-RevokeAdminPortsFromInternet"].permissions


def test_an_aws_owned_spec_comes_from_the_toml() -> None:
    spec = remediation_document_spec("AWSConfigRemediation-DisablePublicAccessToRDSInstance")
    assert not spec.own
    assert spec.parameters == (ASSUME_ROLE_PARAMETER, "DbiResourceId")
    assert spec.permissions == ("rds:DescribeDBInstances", "rds:ModifyDBInstance")


def test_an_unknown_document_is_named_in_the_error() -> None:
    with pytest.raises(KeyError, match="AWS-NoSuchDocument"):
        remediation_document_spec("AWS-NoSuchDocument")


def test_every_aws_owned_entry_cites_the_page_it_was_verified_with() -> None:
    for document in load_aws_owned().values():
        assert document.source.startswith(
            "https://docs.aws.amazon.com/systems-manager-automation-runbooks/"
        ), document.name


# --- aws-owned.toml validation --------------------------------------------------------------

NAME = "AWSConfigRemediation-EnableKeyRotation"
VALID = f"""
["{NAME}"]
source = "https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/automation-aws-enable-key-rotation.html"
parameters = ["AutomationAssumeRole", "KeyId"]
required = ["AutomationAssumeRole", "KeyId"]
permissions = ["kms:EnableKeyRotation", "kms:GetKeyRotationStatus"]
changes = "Turns on automatic rotation of one key."
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "aws-owned.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_valid_example_loads(tmp_path: Path) -> None:
    documents = load_aws_owned(write(tmp_path, VALID))
    assert documents[NAME].required == ("AutomationAssumeRole", "KeyId")
    assert documents[NAME].changes == "Turns on automatic rotation of one key."


def test_the_shipped_file_loads() -> None:
    assert load_aws_owned(AWS_OWNED_FILE)


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        ("changes = ", 'owner = "me"\nchanges = ', f"{NAME}.owner", "unknown field"),
        ("https://docs.aws.amazon.com/", "https://example.com/", f"{NAME}.source", "required"),
        ('source = "https', 'sauce = "https', f"{NAME}.sauce", "unknown field"),
        (
            'parameters = ["AutomationAssumeRole", "KeyId"]',
            'parameters = ["KeyId"]',
            f"{NAME}.parameters",
            "missing AutomationAssumeRole",
        ),
        (
            'parameters = ["AutomationAssumeRole", "KeyId"]',
            'parameters = ["AutomationAssumeRole", "KeyId", "KeyId"]',
            f"{NAME}.parameters",
            "twice",
        ),
        (
            'parameters = ["AutomationAssumeRole", "KeyId"]',
            'parameters = ["AutomationAssumeRole", "Key Id"]',
            f"{NAME}.parameters",
            "not a document parameter name",
        ),
        (
            'required = ["AutomationAssumeRole", "KeyId"]',
            'required = ["AutomationAssumeRole", "Alias"]',
            f"{NAME}.required",
            "'Alias' is not one of its parameters",
        ),
        (
            'permissions = ["kms:EnableKeyRotation", "kms:GetKeyRotationStatus"]',
            'permissions = ["EnableKeyRotation"]',
            f"{NAME}.permissions",
            "not an IAM action",
        ),
        (
            'permissions = ["kms:EnableKeyRotation", "kms:GetKeyRotationStatus"]',
            "permissions = []",
            f"{NAME}.permissions",
            "non-empty list",
        ),
        (
            'changes = "Turns on automatic rotation of one key."',
            'changes = """\nTurns on automatic\nrotation of one key."""',
            f"{NAME}.changes",
            "one sentence",
        ),
        ('changes = "Turns on automatic rotation of one key."', "", f"{NAME}.changes", "required"),
        (
            f'["{NAME}"]',
            '["ScanMonster-EnableKeyRotation"]',
            "ScanMonster-EnableKeyRotation",
            "ours",
        ),
        (f'["{NAME}"]', '["bad name!"]', "bad name!", "not an SSM document name"),
        ('changes = "Turns', 'changes = "Turns\\', "<file>", "not valid TOML"),
    ],
)
def test_a_broken_entry_names_the_file_and_the_field(
    tmp_path: Path, old: str, new: str, field: str, problem: str
) -> None:
    assert old in VALID
    path = write(tmp_path, VALID.replace(old, new, 1))
    with pytest.raises(DocumentError) as error:
        load_aws_owned(path)
    assert error.value.field == field
    assert problem in error.value.problem
    assert str(path) in str(error.value)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"aws-owned.toml: field '<file>': missing"):
        load_aws_owned(tmp_path / "aws-owned.toml")


def test_specs_combine_both_sources(tmp_path: Path) -> None:
    specs = document_specs(documents_dir=tmp_path / "none", aws_owned_file=write(tmp_path, VALID))
    assert list(specs) == [NAME]
    assert specs[NAME].permissions == ("kms:EnableKeyRotation", "kms:GetKeyRotationStatus")
