"""Reading and checking the JSON of POST /api/v1/referrals, field by field."""

from datetime import date

from portal.referrals.operations import ReferralRequest
from portal.scheduling.calendar import reasonable_date

LANGUAGES = {"pt": "pt_PT", "pt_PT": "pt_PT", "pt-PT": "pt_PT", "en": "en"}

MESSAGES = {
    ("subject", "unknown"): "No active subject has this code.",
    ("subject", "audience"): "This subject is not open to this kind of requester.",
    ("niss", "format"): "A NISS has 11 digits.",
    ("niss", "check"): "The NISS check digit does not match.",
    ("niss", "company"): "This is a company's NISS (starts with 2); give nipc for a company.",
    ("niss", "not_company"): "For a company, give the company's NISS (starts with 2).",
    ("nipc", "format"): "A NIPC has 9 digits.",
    ("nipc", "check"): "The NIPC check digit does not match.",
    ("nipc", "person"): "This is a natural person's NIF, not a company's NIPC.",
    ("email", "invalid"): "Not a valid e-mail address.",
    ("language", "unknown"): "Use pt or en.",
    ("in_person_date", "past"): "The in-person date is in the past.",
}
REQUIRED = ("subject", "niss", "email")
OPTIONAL = ("nipc", "language", "in_person_date")


class PayloadError(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def _strings(body: dict, errors: dict) -> dict:
    values = {}
    for name in REQUIRED + OPTIONAL:
        value = body.get(name)
        if value is None or value == "":
            if name in REQUIRED:
                errors[name] = "This field is required."
            continue
        if not isinstance(value, str):
            errors[name] = "Must be a string."
            continue
        values[name] = value
    return values


def referral_request(body, issued_by_id=None) -> ReferralRequest:
    """A ReferralRequest from the JSON body; raises PayloadError with a message per field."""
    if not isinstance(body, dict):
        raise PayloadError({"body": "Send a JSON object."})
    errors: dict[str, str] = {}
    values = _strings(body, errors)
    language = LANGUAGES.get(values.get("language", "pt"))
    if language is None:
        errors["language"] = MESSAGES[("language", "unknown")]
    in_person = None
    if "in_person_date" in values:
        try:
            in_person = date.fromisoformat(values["in_person_date"])
        except ValueError:
            in_person = None
        if in_person is None or not reasonable_date(in_person):
            errors["in_person_date"] = "Use a date such as 2026-12-14."
    if errors:
        raise PayloadError(errors)
    return ReferralRequest(
        subject_code=values["subject"],
        niss=values["niss"],
        nipc=values.get("nipc"),
        email=values["email"],
        language=language,
        in_person_date=in_person,
        issued_by_id=issued_by_id,
    )


def operation_messages(errors: dict[str, str]) -> dict[str, str]:
    return {name: MESSAGES.get((name, reason), reason) for name, reason in errors.items()}
