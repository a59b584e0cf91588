"""Reading what the SMTP double received: parts, the PDF's text, the invite."""

from io import BytesIO

from icalendar import Calendar
from pypdf import PdfReader


def part(message, content_type):
    found = [p for p in message.walk() if p.get_content_type() == content_type]
    return found[0] if found else None


def pdf_of(message):
    attachment = part(message, "application/pdf")
    return PdfReader(BytesIO(attachment.get_payload(decode=True))) if attachment else None


def pdf_text(reader) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def pdf_links(reader) -> list[str]:
    links = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action and "/URI" in action:
                links.append(str(action["/URI"]))
    return links


def invite_of(message):
    attachment = part(message, "text/calendar")
    if attachment is None:
        return None, None
    calendar = Calendar.from_ical(attachment.get_content())
    return calendar, calendar.walk("VEVENT")[0]
