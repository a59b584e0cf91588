import pytest

from portal.referrals.identifiers import (
    InvalidIdentifier,
    is_company_niss,
    validate_nipc,
    validate_niss,
)


@pytest.mark.parametrize("niss", ["11234567892", "20000000001", "112 345 678 92", "12345678902"])
def test_valid_niss(niss):
    assert validate_niss(niss) == niss.replace(" ", "")


@pytest.mark.parametrize(
    "niss, reason",
    [
        ("11234567891", "check"),
        ("11234567893", "check"),
        ("21234567892", "check"),
        ("1123456789", "format"),
        ("112345678921", "format"),
        ("1123456789A", "format"),
        ("", "format"),
    ],
)
def test_invalid_niss(niss, reason):
    with pytest.raises(InvalidIdentifier) as error:
        validate_niss(niss)
    assert error.value.reason == reason


def test_company_niss_starts_with_two():
    assert is_company_niss("20000000001")
    assert not is_company_niss("11234567892")


@pytest.mark.parametrize("nipc", ["501964843", "501 964 843"])
def test_valid_nipc(nipc):
    assert validate_nipc(nipc) == "501964843"


@pytest.mark.parametrize(
    "nipc, reason",
    [
        ("501964842", "check"),
        ("50196484", "format"),
        ("5019648433", "format"),
        ("123456789", "person"),  # a valid NIF of a natural person
    ],
)
def test_invalid_nipc(nipc, reason):
    with pytest.raises(InvalidIdentifier) as error:
        validate_nipc(nipc)
    assert error.value.reason == reason
