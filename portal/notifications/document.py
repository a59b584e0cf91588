"""The confirmation PDF: one template, rendered in the person's language."""

from io import BytesIO

from flask import current_app, render_template
from flask_babel import force_locale

from portal.notifications.facts import BookingFacts
from portal.observability.metrics import PDF_RENDER_SECONDS

QR_NAME = "join-qr.png"


def qr_png(text: str) -> bytes:
    """A small black-and-white PNG (one pixel per module): quicker to place in the PDF
    than an SVG of hundreds of paths; the stylesheet scales it up without smoothing."""
    # A fixed mask skips trying all eight for the "best" one: any mask scans, and
    # choosing was a quarter of the whole PDF's rendering time.
    import qrcode  # the worker's: the web process never makes a PDF

    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=2, mask_pattern=0
    )
    code.add_data(text)
    code.make(fit=True)
    buffer = BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def confirmation_html(facts: BookingFacts) -> str:
    with force_locale(facts.language):
        return render_template(
            "pdf/confirmation.html", facts=facts, qr_url=f"portal:generated/{QR_NAME}"
        )


def confirmation_pdf(facts: BookingFacts, isolated: bool = False) -> bytes:
    """Render the confirmation (0.1–0.5 s): never inside the request that confirms.

    ``isolated``: in the worker's child renderer (see ``portal.pdf.isolated``),
    so the worker's own memory stays flat however many it renders.

    WeasyPrint is imported here, not at the top: web workers never render (the
    citizen downloads the bytes the outbox worker kept), so they never load it.
    """
    from portal.pdf import render_pdf
    from portal.pdf.isolated import render_pdf_isolated

    generated = {}
    if facts.join_url:
        generated[QR_NAME] = (qr_png(facts.join_url), "image/png")
    html = confirmation_html(facts)
    with PDF_RENDER_SECONDS.time():
        if isolated:
            renders = current_app.config["OUTBOX_RENDERS_PER_CHILD"]
            return render_pdf_isolated(html, current_app.static_folder, generated, renders)
        return render_pdf(html, current_app.static_folder, generated)


def pdf_filename(facts: BookingFacts) -> str:
    prefix = "confirmation" if facts.language.startswith("en") else "confirmacao"
    return f"{prefix}-{facts.reference}.pdf"
