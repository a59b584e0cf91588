"""The confirmation PDF: one template, rendered in the person's language."""

import qrcode
import qrcode.image.svg
from flask import current_app, render_template
from flask_babel import force_locale

from portal.notifications.facts import BookingFacts
from portal.pdf import render_pdf

QR_NAME = "join-qr.svg"


def qr_svg(text: str) -> bytes:
    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    return image.to_string(encoding="utf-8")


def confirmation_html(facts: BookingFacts) -> str:
    with force_locale(facts.language):
        return render_template(
            "pdf/confirmation.html", facts=facts, qr_url=f"portal:generated/{QR_NAME}"
        )


def confirmation_pdf(facts: BookingFacts) -> bytes:
    """Render the confirmation (0.2–0.5 s): never inside the request that confirms."""
    generated = {}
    if facts.join_url:
        generated[QR_NAME] = (qr_svg(facts.join_url), "image/svg+xml")
    return render_pdf(confirmation_html(facts), current_app.static_folder, generated)


def pdf_filename(facts: BookingFacts) -> str:
    prefix = "confirmation" if facts.language.startswith("en") else "confirmacao"
    return f"{prefix}-{facts.reference}.pdf"
