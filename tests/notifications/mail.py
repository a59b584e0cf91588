"""Reading e-mails the SMTP double received: parts, links, and what may not be in them."""

import re

from bs4 import BeautifulSoup

URL = re.compile(r"https?://[^\s<>\"')]+")


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


def urls_in(message) -> list[str]:
    """Every address in the text part, and every href and address shown in the HTML part."""
    html = html_of(message)
    soup = BeautifulSoup(html, "html.parser")
    links = [a["href"] for a in soup.find_all("a", href=True)]
    return URL.findall(text_of(message)) + links + URL.findall(soup.get_text(" "))


def assert_no_secret_in_urls(message, code: str, identifiers: list[str]) -> None:
    """No reference code (in any spelling) and no NISS/NIPC in any link."""
    compact = code.replace("-", "")
    for url in urls_in(message):
        squeezed = re.sub(r"[^0-9A-Za-z]", "", url).upper()
        assert compact not in squeezed, f"the code is in {url}"
        for identifier in identifiers:
            assert identifier not in re.sub(r"\D", "", url), f"{identifier} is in {url}"


def of_kind(messages, subject_part: str) -> list:
    return [m for m in messages if subject_part in m["Subject"]]
