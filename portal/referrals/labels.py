"""How a representative's capacity reads to people."""

from flask_babel import lazy_gettext as _l

from portal.referrals.companies import Capacity

CAPACITY_LABELS = {
    Capacity.MANAGER: _l("Manager or director (gerente/administrador)"),
    Capacity.ACCOUNTANT: _l("Certified accountant (contabilista certificado)"),
    Capacity.LAWYER: _l("Lawyer or solicitor (advogado/solicitador)"),
    Capacity.MANDATARY: _l("Other mandatary"),
}

MANDATE_DOCUMENT = _l("Power of attorney or mandate document to act for the company")


def capacity_label(capacity) -> str:
    return str(CAPACITY_LABELS[Capacity(capacity)])


STATE_LABELS = {
    "active": _l("Usable"),
    "expired": _l("Expired"),
    "cancelled": _l("Cancelled (booking cancelled)"),
    "voided": _l("Withdrawn"),
}


def referral_state_label(state) -> str:
    return str(STATE_LABELS[str(state)])
