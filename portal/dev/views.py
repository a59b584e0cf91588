"""Development-only pages. Nothing here changes state."""

from flask import abort, current_app, render_template
from sqlalchemy import select

from portal.dev import bp
from portal.extensions import db
from portal.mail import dev_mailbox
from portal.meetings.models import Meeting

# An e-mail's HTML part is shown as sent, but may run nothing and load nothing.
SANDBOX = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


@bp.before_request
def _development_only():
    """Nothing under /dev exists outside development, whatever else is configured."""
    if current_app.config["ENVIRONMENT"] != "development":
        abort(404)


def _leaf_parts(message):
    return [part for part in message.walk() if not part.is_multipart()]


@bp.route("/mail")
def mailbox():
    box = dev_mailbox(current_app)
    messages = [(name, box.read(name)) for name in box.names()[:100]]
    return render_template("dev/mailbox.html", messages=messages)


@bp.route("/mail/<name>")
def mail_message(name):
    message = dev_mailbox(current_app).read(name) or abort(404)
    parts = _leaf_parts(message)
    text = next((p.get_content() for p in parts if p.get_content_type() == "text/plain"), "")
    return render_template(
        "dev/mail_message.html", name=name, message=message, parts=parts, text=text
    )


@bp.route("/mail/<name>/parts/<int:index>")
def mail_part(name, index):
    message = dev_mailbox(current_app).read(name) or abort(404)
    parts = _leaf_parts(message)
    if index >= len(parts):
        abort(404)
    part = parts[index]
    body = part.get_payload(decode=True)
    response = current_app.response_class(body, content_type=part.get_content_type())
    if part.get_content_type() == "text/html":
        response.headers["Content-Type"] = "text/html; charset=utf-8"
        response.headers["Content-Security-Policy"] = SANDBOX
    else:
        filename = part.get_filename() or f"part-{index}"
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/meeting/<token>")
def meeting(token):
    if current_app.config["MEETING_PROVIDER"] != "local":
        abort(404)
    found = db.session.scalar(select(Meeting).where(Meeting.external_id == f"local-{token}"))
    return render_template("dev/meeting.html", meeting=found or abort(404))
