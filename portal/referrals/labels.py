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
