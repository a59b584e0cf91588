"""Portuguese identifiers: NISS (social security) and NIPC (company tax number)."""

from stdnum.exceptions import ValidationError
from stdnum.pt import nif

NISS_WEIGHTS = (29, 23, 19, 17, 13, 11, 7, 5, 3, 2)
# First digit of a NIF/NIPC by kind of holder (Autoridade Tributária).
LEGAL_PERSON_NIF_PREFIXES = ("5", "6", "9")


class InvalidIdentifier(ValueError):
    """An identifier that cannot be right; ``reason`` says why, for messages."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def compact(text: str) -> str:
    return "".join((text or "").split()).replace("-", "").replace(".", "")


def niss_check_digit(first_ten: str) -> int:
    total = sum(int(d) * w for d, w in zip(first_ten, NISS_WEIGHTS, strict=True))
    return 9 - total % 10


def validate_niss(text: str) -> str:
    """Return the NISS as 11 digits; raise InvalidIdentifier("format"|"check")."""
    number = compact(text)
    if len(number) != 11 or not number.isdigit():
        raise InvalidIdentifier("format")
    if niss_check_digit(number[:10]) != int(number[10]):
        raise InvalidIdentifier("check")
    return number


def is_company_niss(niss: str) -> bool:
    """Entity NISS start with 2 (a convention, not a documented rule)."""
    return niss.startswith("2")


def validate_nipc(text: str) -> str:
    """Return a legal person's NIF (NIPC) as 9 digits.

    Raises InvalidIdentifier: "format", "check", or "person" when the number is
    a valid NIF of a natural person rather than of a company.
    """
    number = compact(text)
    if len(number) != 9 or not number.isdigit():
        raise InvalidIdentifier("format")
    try:
        nif.validate(number)
    except ValidationError:
        raise InvalidIdentifier("check") from None
    if not number.startswith(LEGAL_PERSON_NIF_PREFIXES):
        raise InvalidIdentifier("person")
    return number
