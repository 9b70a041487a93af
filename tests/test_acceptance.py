"""Risk acceptances: a bad file stops synth naming file, entry and field; matching and expiry."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest

from scanmonster import ROOT
from scanmonster.acceptance import (
    ACCEPTANCES_FILE,
    AcceptanceError,
    RiskAcceptance,
    find_acceptance,
    load_acceptances,
    parse_acceptances,
)
from tests.support import registry

TODAY = date(2026, 6, 15)
ACCOUNT = "123456789012"
OTHER_ACCOUNT = "210987654321"

ENTRY = """
[[acceptance]]
id = "lab-root-mfa"
check = "iam_root_mfa_enabled"
accounts = ["123456789012"]
regions = ["*"]
resource = "*"
reason = "Lab accounts are created in bulk and closed within a week."
approver = "security-team@example.com"
expires = 2026-12-31
"""

VALID = (
    "# a comment is fine\n"
    + ENTRY
    + """
[[acceptance]]
id = "public-website-buckets"
check = "s3_bucket_public_access_blocked"
accounts = ["123456789012", "210987654321"]
regions = ["ap-northeast-1", "us-gov-west-1"]
resource = "arn:aws:s3:::www-?-site*"
reason = "These buckets serve the public website through no CDN, by design."
approver = "Jane Doe <jane@example.com>"
expires = 2027-06-16
"""
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "risk-acceptances.toml"
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str, today: date = TODAY) -> list[RiskAcceptance]:
    return load_acceptances(write(tmp_path, text), registry(), today=today)


def acceptance(**changes: object) -> RiskAcceptance:
    fields: dict[str, object] = {
        "id": "example",
        "check": "s3_bucket_public_access_blocked",
        "accounts": (ACCOUNT,),
        "regions": ("ap-northeast-1",),
        "resource": "*",
        "reason": "An accepted risk for the tests.",
        "approver": "security-team@example.com",
        "expires": TODAY,
    }
    fields.update(changes)
    return RiskAcceptance(**fields)  # type: ignore[arg-type]


def test_a_valid_file_round_trips(tmp_path: Path) -> None:
    assert load(tmp_path, VALID) == [
        RiskAcceptance(
            id="lab-root-mfa",
            check="iam_root_mfa_enabled",
            accounts=("123456789012",),
            regions=("*",),
            resource="*",
            reason="Lab accounts are created in bulk and closed within a week.",
            approver="security-team@example.com",
            expires=date(2026, 12, 31),
        ),
        RiskAcceptance(
            id="public-website-buckets",
            check="s3_bucket_public_access_blocked",
            accounts=("123456789012", "210987654321"),
            regions=("ap-northeast-1", "us-gov-west-1"),
            resource="arn:aws:s3:::www-?-site*",
            reason="These buckets serve the public website through no CDN, by design.",
            approver="Jane Doe <jane@example.com>",
            expires=date(2027, 6, 16),
        ),
    ]


@pytest.mark.parametrize("text", ["", "\n", "# only a comment\n", "acceptance = []\n"], ids=repr)
def test_a_file_without_entries_accepts_nothing(tmp_path: Path, text: str) -> None:
    assert load(tmp_path, text) == []


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        ('check = "iam_root_mfa_enabled"', 'check = "iam_root_mfa"', "check", "unknown check"),
        ('check = "iam_root_mfa_enabled"', "", "check", "required"),
        ("expires = 2026-12-31", "", "expires", "required, a TOML date"),
        ("expires = 2026-12-31", 'expires = "2026-12-31"', "expires", "a TOML date"),
        ("expires = 2026-12-31", "expires = 2026-12-31T00:00:00Z", "expires", "no time"),
        ("expires = 2026-12-31", "expires = 2026-12-31T00:00:00", "expires", "no time"),
        ("expires = 2026-12-31", "expires = 2026-06-14", "expires", "2026-06-14 has passed"),
        ("expires = 2026-12-31", "expires = 2027-06-17", "expires", "more than one year"),
        ('reason = "Lab accounts', 'reason = "" #', "reason", "required"),
        ('reason = "Lab accounts', 'reason = "    " #', "reason", "required"),
        ('reason = "Lab accounts', 'reason = " too short " #', "reason", "at least 10"),
        ('reason = "Lab accounts', "reason = 42 #", "reason", "required"),
        ('approver = "security-team@example.com"', "", "approver", "required"),
        ('approver = "security-team@example.com"', 'approver = " "', "approver", "required"),
        ('accounts = ["123456789012"]', "", "accounts", "required"),
        ('accounts = ["123456789012"]', "accounts = []", "accounts", "non-empty list"),
        ('accounts = ["123456789012"]', 'accounts = "123456789012"', "accounts", "list"),
        ('accounts = ["123456789012"]', "accounts = [123456789012]", "accounts", "strings"),
        ('"123456789012"]', '"12345678901"]', "accounts", "not a 12-digit account id"),
        ('"123456789012"]', '"1234567890123"]', "accounts", "not a 12-digit account id"),
        ('"123456789012"]', '"12345678901a"]', "accounts", "not a 12-digit account id"),
        ('"123456789012"]', '"123456789012\\n"]', "accounts", "not a 12-digit account id"),
        ('"123456789012"]', '"１２３４５６７８９０１２"]', "accounts", "not a 12-digit account id"),
        ('"123456789012"]', '"*", "123456789012"]', "accounts", "cannot be listed with"),
        ('"123456789012"]', '"123456789012", "*"]', "accounts", "cannot be listed with"),
        ('"123456789012"]', '"123456789012", "123456789012"]', "accounts", "twice"),
        ('regions = ["*"]', "", "regions", "required"),
        ('regions = ["*"]', "regions = []", "regions", "non-empty list"),
        ('regions = ["*"]', 'regions = ["ap-northeast"]', "regions", "not an AWS region"),
        ('regions = ["*"]', 'regions = ["Tokyo"]', "regions", "not an AWS region"),
        ('regions = ["*"]', 'regions = ["us-east-1\\n"]', "regions", "not an AWS region"),
        ('regions = ["*"]', 'regions = ["AP-NORTHEAST-1"]', "regions", "not an AWS region"),
        ('regions = ["*"]', 'regions = ["*", "us-east-1"]', "regions", "cannot be listed with"),
        ('regions = ["*"]', 'regions = ["us-east-1", "us-east-1"]', "regions", "twice"),
        ('resource = "*"', "", "resource", "required"),
        ('resource = "*"', 'resource = ""', "resource", "required"),
        ('resource = "*"', 'resource = "my bucket"', "resource", "characters other than"),
        ('resource = "*"', 'resource = "bucket[0-9]"', "resource", "characters other than"),
        ('resource = "*"', 'resource = "bucket\\n"', "resource", "characters other than"),
        ('resource = "*"', 'resource = "**"', "resource", "only wildcards"),
        ('resource = "*"', 'resource = "?"', "resource", "only wildcards"),
        ('resource = "*"', 'resource = "*?*"', "resource", "only wildcards"),
        ('id = "lab-root-mfa"', 'id = "Lab_Root_MFA"', "id", "3 to 64 of lowercase"),
        ('id = "lab-root-mfa"', 'id = "ab"', "id", "3 to 64 of lowercase"),
        ('id = "lab-root-mfa"', 'id = "lab-root-mfa\\n"', "id", "3 to 64 of lowercase"),
        ('id = "lab-root-mfa"', f'id = "{"a" * 65}"', "id", "3 to 64 of lowercase"),
        ('resource = "*"', 'resource = "*"\nowner = "me"', "owner", "unknown field"),
        ('resource = "*"', 'resource = "*"\nexpiry = 2026-12-31', "expiry", "unknown field"),
    ],
)
def test_an_invalid_entry_names_file_entry_and_field(
    tmp_path: Path, old: str, new: str, field: str, problem: str
) -> None:
    assert old in ENTRY
    text = ENTRY.replace(old, new, 1)
    path = write(tmp_path, text)
    with pytest.raises(AcceptanceError) as error:
        load_acceptances(path, registry(), today=TODAY)
    assert error.value.field == field
    assert problem in error.value.problem
    assert error.value.index == 0
    assert error.value.path == str(path)
    written_id = tomllib.loads(text)["acceptance"][0]["id"]
    assert error.value.acceptance_id == written_id
    assert str(error.value).startswith(f"{path}: acceptance[0] ({written_id}): field '{field}': ")


def test_the_entry_is_named_by_index_and_id(tmp_path: Path) -> None:
    text = VALID.replace('"us-gov-west-1"', '"us-gov-west"')
    with pytest.raises(AcceptanceError) as error:
        load(tmp_path, text)
    assert (error.value.index, error.value.acceptance_id) == (1, "public-website-buckets")
    assert "acceptance[1] (public-website-buckets): field 'regions': 'us-gov-west'" in str(
        error.value
    )


def test_an_entry_without_id_is_named_by_index(tmp_path: Path) -> None:
    with pytest.raises(AcceptanceError) as error:
        load(tmp_path, ENTRY.replace('id = "lab-root-mfa"', ""))
    assert error.value.acceptance_id is None
    assert "acceptance[0] (<no id>): field 'id': required" in str(error.value)


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    text = VALID.replace('"public-website-buckets"', '"lab-root-mfa"')
    with pytest.raises(AcceptanceError) as error:
        load(tmp_path, text)
    assert (error.value.index, error.value.field) == (1, "id")
    assert "duplicate: acceptance[0] has the same id" in error.value.problem


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        ('owner = "me"\n' + ENTRY, "owner", "unknown top-level key"),
        ("[acceptances]\nid = 'x'\n", "acceptances", "unknown top-level key"),
        (ENTRY.replace("[[acceptance]]", "[acceptance]"), "acceptance", "array of tables"),
        ('acceptance = ["lab-root-mfa"]\n', "acceptance", "array of tables"),
        ("[[acceptance]\n", "<file>", "not valid TOML"),
    ],
)
def test_file_level_errors_name_the_file_and_the_key(
    tmp_path: Path, text: str, field: str, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(AcceptanceError) as error:
        load_acceptances(path, registry(), today=TODAY)
    assert (error.value.field, error.value.index) == (field, -1)
    assert problem in error.value.problem
    assert str(error.value).startswith(f"{path}: field '{field}': ")


def test_a_missing_file_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    with pytest.raises(AcceptanceError, match=r"absent.toml: field '<file>': cannot read"):
        load_acceptances(path, registry(), today=TODAY)


def test_parse_names_the_given_path() -> None:
    with pytest.raises(AcceptanceError, match=r"^somewhere.toml: acceptance\[0\]"):
        parse_acceptances(
            ENTRY.replace("2026-12-31", "2020-01-01"),
            registry(),
            today=TODAY,
            path="somewhere.toml",
        )
    with pytest.raises(AcceptanceError, match=r"^<text>: acceptance\[0\]"):
        parse_acceptances(ENTRY.replace("2026-12-31", "2020-01-01"), registry(), today=TODAY)


@pytest.mark.parametrize(
    ("days", "valid"),
    [(-1, False), (0, True), (1, True), (365, True), (366, True), (367, False)],
)
def test_expiry_is_today_to_one_year_ahead(tmp_path: Path, days: int, valid: bool) -> None:
    expires = TODAY + timedelta(days=days)
    text = ENTRY.replace("2026-12-31", expires.isoformat())
    if valid:
        assert load(tmp_path, text)[0].expires == expires
    else:
        with pytest.raises(AcceptanceError) as error:
            load(tmp_path, text)
        assert error.value.field == "expires"


def test_an_acceptance_holds_through_its_expiry_day() -> None:
    accepted = acceptance(expires=TODAY)
    finding = {
        "check_id": accepted.check,
        "account": ACCOUNT,
        "region": "ap-northeast-1",
        "resources": ["arn:aws:s3:::b"],
    }
    assert accepted.active(TODAY - timedelta(days=1))
    assert accepted.active(TODAY)
    assert not accepted.active(TODAY + timedelta(days=1))
    assert find_acceptance([accepted], today=TODAY, **finding) is accepted
    assert find_acceptance([accepted], today=TODAY + timedelta(days=1), **finding) is None


def matches(accepted: RiskAcceptance, **finding: object) -> bool:
    defaults: dict[str, object] = {
        "check_id": "s3_bucket_public_access_blocked",
        "account": ACCOUNT,
        "region": "ap-northeast-1",
        "resources": ["arn:aws:s3:::lab-logs"],
    }
    return accepted.matches(**{**defaults, **finding})  # type: ignore[arg-type]


def test_check_account_and_region_must_match() -> None:
    accepted = acceptance(accounts=(ACCOUNT,), regions=("ap-northeast-1", "us-east-1"))
    assert matches(accepted)
    assert matches(accepted, region="us-east-1")
    assert not matches(accepted, check_id="s3_bucket_ssl_requests_only")
    assert not matches(accepted, account=OTHER_ACCOUNT)
    assert not matches(accepted, region="ap-northeast-3")


def test_star_means_every_account_and_every_region() -> None:
    everywhere = acceptance(accounts=("*",), regions=("*",))
    assert matches(everywhere, account=OTHER_ACCOUNT, region="eu-west-1")
    only_accounts = acceptance(accounts=("*",), regions=("ap-northeast-1",))
    assert matches(only_accounts, account=OTHER_ACCOUNT)
    assert not matches(only_accounts, account=OTHER_ACCOUNT, region="eu-west-1")
    only_regions = acceptance(accounts=(ACCOUNT,), regions=("*",))
    assert matches(only_regions, region="eu-west-1")
    assert not matches(only_regions, account=OTHER_ACCOUNT, region="eu-west-1")


@pytest.mark.parametrize(
    ("pattern", "resource", "expected"),
    [
        ("*", "arn:aws:s3:::anything", True),
        ("arn:aws:s3:::lab-*", "arn:aws:s3:::lab-logs", True),
        ("arn:aws:s3:::lab-*", "arn:aws:s3:::lab-", True),
        ("arn:aws:s3:::lab-*", "arn:aws:s3:::prod-lab-logs", False),
        ("arn:aws:s3:::lab-*", "arn:aws:s3:::LAB-logs", False),  # case-sensitive
        ("arn:aws:s3:::LAB-*", "arn:aws:s3:::lab-logs", False),
        ("lab-?", "lab-1", True),
        ("lab-?", "lab-12", False),
        ("lab-?", "lab-", False),
        ("lab-*", "arn:aws:s3:::lab-logs", False),  # a pattern covers the whole id or ARN
        ("*:role/lab/*", "arn:aws:iam::123456789012:role/lab/ci/runner", True),  # crosses '/'
        ("sg-0123456789abcdef0", "sg-0123456789abcdef0", True),
        ("sg-0123456789abcdef0", "sg-0123456789abcdef", False),
    ],
)
def test_resource_patterns(pattern: str, resource: str, expected: bool) -> None:
    assert matches(acceptance(resource=pattern), resources=[resource]) is expected


def test_the_pattern_may_name_the_id_or_the_arn_of_any_resource() -> None:
    by_id = acceptance(resource="lab-logs")
    by_arn = acceptance(resource="arn:aws:s3:::lab-logs")
    assert matches(by_id, resources=["arn:aws:s3:::lab-logs", "lab-logs"])
    assert matches(by_arn, resources=["lab-logs", "arn:aws:s3:::lab-logs"])
    assert not matches(by_id, resources=["arn:aws:s3:::lab-logs"])
    assert not matches(by_arn, resources=["lab-logs"])
    # Any one of the finding's resources is enough.
    assert matches(by_id, resources=["arn:aws:s3:::prod", "lab-logs", "other"])
    assert not matches(acceptance(resource="*"), resources=[])


def test_the_first_active_match_in_file_order_wins(tmp_path: Path) -> None:
    broad = ENTRY.replace('"lab-root-mfa"', '"broad"').replace(
        'accounts = ["123456789012"]', 'accounts = ["*"]'
    )
    narrow = ENTRY.replace('"lab-root-mfa"', '"narrow"').replace("2026-12-31", "2026-07-01")
    finding = {
        "check_id": "iam_root_mfa_enabled",
        "account": ACCOUNT,
        "region": "us-east-1",
        "resources": [f"AWS::::Account:{ACCOUNT}"],
    }
    narrow_first = load(tmp_path, narrow + broad)
    assert find_acceptance(narrow_first, today=TODAY, **finding).id == "narrow"
    broad_first = load(tmp_path, broad + narrow)
    assert find_acceptance(broad_first, today=TODAY, **finding).id == "broad"
    # Once the first has expired, the next one that matches applies.
    later = date(2026, 7, 2)
    assert find_acceptance(narrow_first, today=later, **finding).id == "broad"
    # Entries that do not match are skipped, whatever their place.
    other = {**finding, "account": OTHER_ACCOUNT}
    assert find_acceptance(narrow_first, today=TODAY, **other).id == "broad"
    assert find_acceptance(narrow_first, today=TODAY, **{**finding, "check_id": "x"}) is None


def test_the_shipped_file_is_valid_and_accepts_nothing() -> None:
    assert ROOT / "risk-acceptances.toml" == ACCEPTANCES_FILE
    assert load_acceptances(ACCEPTANCES_FILE, registry(), today=date.today()) == []
    assert "[[acceptance]]" not in [
        line.strip() for line in ACCEPTANCES_FILE.read_text(encoding="utf-8").splitlines()
    ]


def test_the_shipped_example_is_valid_once_uncommented() -> None:
    text = ACCEPTANCES_FILE.read_text(encoding="utf-8")
    example = text[text.index("# [[acceptance]]") :]
    uncommented = "\n".join(line.removeprefix("# ") for line in example.splitlines())
    (accepted,) = parse_acceptances(uncommented, registry(), today=date(2026, 6, 1))
    assert accepted.check == "iam_root_mfa_enabled"
    assert accepted.expires == date(2027, 3, 31)
