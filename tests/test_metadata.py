"""A broken check.toml fails the registry with a message naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanmonster.metadata import MetadataError, load_check, parameter_text
from scanmonster.registry import load_registry

VALID = """
id = "s3_bucket_example_state"
title = "S3 buckets are in the example state"
severity = "LOW"
resource_types = ["AWS::S3::Bucket"]

[trigger]
change = true

[parameters.Limit]
type = "int"
default = 3
minimum = 1
description = "How many"

[frameworks]
fsbp = ["S3.8"]
"""


def write_check(root: Path, text: str, folder: str = "s3_bucket_example_state") -> Path:
    path = root / folder
    path.mkdir(parents=True)
    (path / "check.toml").write_text(text, encoding="utf-8")
    (path / "rule.py").write_text("", encoding="utf-8")
    return path


def test_the_valid_example_loads(tmp_path: Path) -> None:
    check = load_check(write_check(tmp_path, VALID))
    assert check.parameters["Limit"].default == 3
    assert check.config_rule_name == "scanmonster-s3_bucket_example_state"
    assert not check.is_account_level


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        (
            'id = "s3_bucket_example_state"',
            'id = "s3_bucket_other_state"',
            "id",
            "must equal the folder name",
        ),
        ('id = "s3_bucket_example_state"', 'id = "S3-Bucket"', "id", "lowercase words"),
        (
            'title = "S3 buckets are in the example state"',
            'title = "Ensure buckets are fine"',
            "title",
            "not 'Ensure",
        ),
        (
            'title = "S3 buckets are in the example state"',
            f'title = "{"x" * 151}"',
            "title",
            "151 characters; at most 150",
        ),
        ('severity = "LOW"', 'severity = "SEVERE"', "severity", "not one of CRITICAL"),
        ('severity = "LOW"', "", "severity", "required"),
        (
            'resource_types = ["AWS::S3::Bucket"]',
            'resource_types = ["S3 bucket"]',
            "resource_types",
            "not an AWS Config resource type",
        ),
        (
            'resource_types = ["AWS::S3::Bucket"]',
            "resource_types = []",
            "resource_types",
            "must not be empty",
        ),
        ("change = true", 'change = "yes"', "trigger.change", "true or false"),
        ("change = true", "change = false", "trigger", "set one"),
        ("change = true", 'periodic = "Daily"', "trigger.periodic", "not one of One_Hour"),
        ('type = "int"', 'type = "integer"', "parameters.Limit.type", "not one of int"),
        ("default = 3", "default = 0", "parameters.Limit.default", "below the minimum 1"),
        ("default = 3", 'default = "3"', "parameters.Limit.default", "expected int"),
        ('description = "How many"', "", "parameters.Limit.description", "required"),
        ('fsbp = ["S3.8"]', 'fsbp = ["S3-8"]', "frameworks.fsbp", "not a control id"),
        ('fsbp = ["S3.8"]', 'nist = ["AC-3"]', "frameworks.nist", "unknown framework"),
        (
            'severity = "LOW"',
            'severity = "LOW"\npermissions = ["s3:PutBucketPolicy"]',
            "permissions",
            "not a read action",
        ),
        (
            'severity = "LOW"',
            'severity = "LOW"\npermissions = ["GetBucketPolicy"]',
            "permissions",
            "not an IAM action",
        ),
        ('severity = "LOW"', 'severity = "LOW"\nowner = "me"', "owner", "unknown field"),
        (
            'severity = "LOW"',
            'severity = "LOW"\nremediation = { document = "bad name!", '
            'permissions = ["s3:PutBucketPolicy"] }',
            "remediation.document",
            "SSM document name",
        ),
    ],
)
def test_invalid_metadata_names_file_and_field(
    tmp_path: Path, old: str, new: str, field: str, problem: str
) -> None:
    assert old in VALID
    folder = write_check(tmp_path, VALID.replace(old, new, 1))
    with pytest.raises(MetadataError) as error:
        load_registry(tmp_path)
    assert error.value.field == field
    assert problem in error.value.problem
    assert str(folder / "check.toml") in str(error.value)


def test_account_level_checks_cannot_be_change_triggered(tmp_path: Path) -> None:
    text = VALID.replace('["AWS::S3::Bucket"]', '["AWS::::Account"]').replace(
        'severity = "LOW"', 'severity = "LOW"\npermissions = ["s3:GetAccountPublicAccessBlock"]'
    )
    with pytest.raises(MetadataError, match="AWS::::Account has no configuration changes"):
        load_registry(write_check(tmp_path, text).parent)


def test_id_prefix_must_name_a_service_the_check_touches(tmp_path: Path) -> None:
    text = VALID.replace("s3_bucket_example_state", "ec2_bucket_example_state")
    with pytest.raises(MetadataError, match="prefix 'ec2' must name the service"):
        load_registry(write_check(tmp_path, text, "ec2_bucket_example_state").parent)


def test_not_toml_is_reported_with_the_file(tmp_path: Path) -> None:
    write_check(tmp_path, "id = ")
    with pytest.raises(MetadataError, match=r"check.toml: field '<file>': not valid TOML"):
        load_registry(tmp_path)


def test_a_check_without_code_is_refused(tmp_path: Path) -> None:
    folder = write_check(tmp_path, VALID)
    (folder / "rule.py").unlink()
    with pytest.raises(MetadataError, match=r"rule.py: field '<file>': missing"):
        load_registry(tmp_path)


def test_a_folder_without_metadata_is_refused(tmp_path: Path) -> None:
    (tmp_path / "s3_half_done_check").mkdir()
    with pytest.raises(MetadataError, match=r"check.toml: field '<file>': missing"):
        load_registry(tmp_path)


REMEDIATION = """
[remediation]
document = "ScanMonster-RequireTlsForBucket"
resource_parameter = "BucketName"
permissions = ["s3:GetBucketPolicy", "s3:PutBucketPolicy"]

[remediation.parameters]
Mode = "merge"
"""


def test_a_remediation_names_its_document_parameters_and_permissions(tmp_path: Path) -> None:
    check = load_check(write_check(tmp_path, VALID + REMEDIATION))
    assert check.remediation_document == "ScanMonster-RequireTlsForBucket"
    assert not check.remediation.aws_owned
    assert check.remediation.resource_parameter == "BucketName"
    assert check.remediation.parameters == {"Mode": "merge"}
    assert check.remediation.permissions == ("s3:GetBucketPolicy", "s3:PutBucketPolicy")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (
            'permissions = ["s3:GetBucketPolicy", "s3:PutBucketPolicy"]',
            "",
            "remediation.permissions",
        ),
        (
            'permissions = ["s3:GetBucketPolicy", "s3:PutBucketPolicy"]',
            'permissions = ["Put"]',
            "remediation.permissions",
        ),
        (
            'resource_parameter = "BucketName"',
            'resource_parameter = "Bucket Name"',
            "remediation.resource_parameter",
        ),
        ('Mode = "merge"', "Mode = 3", "remediation.parameters"),
        ("[remediation.parameters]", "[remediation.extra]", "remediation.extra"),
    ],
)
def test_invalid_remediation_names_the_field(
    tmp_path: Path, old: str, new: str, field: str
) -> None:
    folder = write_check(tmp_path, VALID + REMEDIATION.replace(old, new))
    with pytest.raises(MetadataError) as error:
        load_check(folder)
    assert error.value.field == field


# --- fixed parameters that take the check's own configured value: "${Name}" ----------------

REFERENCE = """
[remediation]
document = "ScanMonster-RevokeAdminPortsFromInternet"
resource_parameter = "GroupId"
permissions = ["ec2:RevokeSecurityGroupIngress"]

[remediation.parameters]
Count = "${Limit}"
Mode = "merge"
"""


def test_a_reference_takes_the_value_the_check_is_configured_with(tmp_path: Path) -> None:
    fix = load_check(write_check(tmp_path, VALID + REFERENCE)).remediation
    assert fix.parameters == {"Count": "${Limit}", "Mode": "merge"}  # as written
    assert fix.references == {"Count": "Limit"}
    assert fix.document_parameters({"Limit": 3}) == {"Count": "3", "Mode": "merge"}
    assert fix.document_parameters({"Limit": 40}) == {"Count": "40", "Mode": "merge"}


def test_a_reference_without_a_value_is_an_error_naming_both_parameters(tmp_path: Path) -> None:
    fix = load_check(write_check(tmp_path, VALID + REFERENCE)).remediation
    with pytest.raises(KeyError, match="Count takes the check parameter Limit"):
        fix.document_parameters({})


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "true"),
        (False, "false"),
        ([22, 3389], "22,3389"),
        (["a", "b"], "a,b"),
        ([True, False], "true,false"),
        (14, "14"),
        ("x", "x"),
    ],
)
def test_values_are_rendered_as_aws_config_text(value: object, text: str) -> None:
    assert parameter_text(value) == text


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        ('"${Limit}"', '"${Nope}"', "remediation.parameters.Count", "names no parameter"),
        ('"${Limit}"', '"at most ${Limit}"', "remediation.parameters.Count", "the whole value"),
        ('"${Limit}"', '"${Limit"', "remediation.parameters.Count", "the whole value"),
        (
            'Mode = "merge"',
            'AutomationAssumeRole = "arn:aws:iam::123456789012:role/Mine"',
            "remediation.parameters.AutomationAssumeRole",
            "the deployment supplies the automation role",
        ),
        (
            'Mode = "merge"',
            'GroupId = "sg-12345678"',
            "remediation.parameters.GroupId",
            "is the resource_parameter",
        ),
        (
            'resource_parameter = "GroupId"',
            'resource_parameter = "AutomationAssumeRole"',
            "remediation.resource_parameter",
            "receives the automation role",
        ),
    ],
)
def test_invalid_fixed_parameters_name_the_field(
    tmp_path: Path, old: str, new: str, field: str, problem: str
) -> None:
    assert old in REFERENCE
    folder = write_check(tmp_path, VALID + REFERENCE.replace(old, new, 1))
    with pytest.raises(MetadataError) as error:
        load_check(folder)
    assert error.value.field == field
    assert problem in error.value.problem
    assert str(folder / "check.toml") in str(error.value)


def test_a_check_without_parameters_cannot_reference_one(tmp_path: Path) -> None:
    text = VALID.split("[parameters.Limit]")[0] + '[frameworks]\nfsbp = ["S3.8"]\n'
    folder = write_check(tmp_path, text + REFERENCE)
    with pytest.raises(MetadataError, match=r"its parameters: none"):
        load_check(folder)
