"""Signing staff in through the sign-in page, as a browser does."""

from urllib.parse import urlparse

from tests.factories import STAFF_PASSWORD


def path(location: str) -> str:
    return urlparse(location).path


def staff_sign_in(client, account, password=STAFF_PASSWORD, english=True):
    if english:
        client.get("/staff/sign-in?lang=en")
    return client.submit(
        "/staff/sign-in", {"email": account.email, "password": password}, status=302
    )


def sign_in_page(client, email, password, status=200):
    return client.submit("/staff/sign-in", {"email": email, "password": password}, status=status)
