"""What the review, confirmation and "my booking" pages show about documents and devices."""

from flask_babel import format_decimal

from portal.citizen import bp
from portal.citizen.device_texts import CHECK_LABELS, OUTCOME_LABELS, advice
from portal.citizen.document_messages import file_size, megabytes
from portal.citizen.preparation_forms import ACCEPT
from portal.device_check.models import CHECKS
from portal.device_check.results import latest_check
from portal.documents.checklist import checklist, missing_items


@bp.context_processor
def preparation_helpers() -> dict:
    return {
        "document_checklist": checklist,
        "missing_items": missing_items,
        "latest_device_check": latest_check,
        "device_advice": advice,
        "device_checks": CHECKS,
        "check_labels": CHECK_LABELS,
        "outcome_labels": OUTCOME_LABELS,
        "megabytes": megabytes,
        "file_size": file_size,
        "format_decimal": format_decimal,
        "accept": ACCEPT,
    }
