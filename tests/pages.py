"""A test client that reads pages as a person would, and checks every page's basics.

Every HTML page fetched must have: a ``lang`` on <html>, a non-empty <title>
(saying "Erro:"/"Error:" first when the page shows an error summary), exactly one
<h1>, unique ids, a skip link to #main, a meta description, footer links to the
accessibility statement and the privacy notice, and a CSRF token in each POST form.
``submit`` reads the CSRF token and the form's hidden fields from the page that holds
the form, like a browser.
"""

from collections import Counter
from urllib.parse import urlsplit

from bs4 import BeautifulSoup


class Page:
    def __init__(self, response):
        self.response = response
        self.status = response.status_code
        self.soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")

    @property
    def title(self) -> str:
        return self.soup.title.get_text(" ", strip=True)

    @property
    def h1(self) -> str:
        return self.soup.h1.get_text(" ", strip=True)

    @property
    def lang(self) -> str:
        return self.soup.html.get("lang")

    @property
    def text(self) -> str:
        return " ".join(self.soup.get_text(" ").split())

    def main_text(self) -> str:
        return " ".join(self.soup.find("main").get_text(" ").split())

    def errors(self) -> list[str]:
        summary = self.soup.select(".error-summary li")
        return [" ".join(item.get_text(" ").split()) for item in summary]

    def notices(self) -> list[str]:
        return [" ".join(n.get_text(" ").split()) for n in self.soup.select(".notice")]

    def radio_values(self, name="horario") -> list[str]:
        return [r["value"] for r in self.soup.select(f'input[type=radio][name="{name}"]')]

    def csrf_token(self) -> str:
        field = self.soup.find("input", attrs={"name": "csrf_token"})
        return field["value"] if field else ""

    def hidden_fields(self, action: str, page_url: str) -> dict:
        """The hidden inputs of the POST form that submits to ``action`` (as a browser sends)."""
        target = urlsplit(action).path
        for form in self.soup.find_all("form"):
            if form.get("method", "get").lower() != "post":
                continue
            if urlsplit(form.get("action") or page_url).path != target:
                continue
            return {
                field["name"]: field.get("value", "")
                for field in form.find_all("input", attrs={"type": "hidden"})
                if field.get("name") and field["name"] != "csrf_token"
            }
        return {}

    def check_invariants(self) -> None:
        assert self.lang in ("pt-PT", "en"), self.lang
        assert self.soup.title and self.title, "page without a title"
        assert len(self.soup.find_all("h1")) == 1, "a page has exactly one h1"
        ids = Counter(tag["id"] for tag in self.soup.find_all(id=True))
        duplicates = [name for name, count in ids.items() if count > 1]
        assert not duplicates, f"duplicate ids: {duplicates}"
        assert self.soup.select_one('a.skip-link[href="#main"]'), "skip link missing"
        statement = self.soup.select_one('footer a[href="/acessibilidade"]')
        assert statement, "the footer links to the accessibility statement"
        assert self.soup.select_one('footer a[href="/privacidade"]'), "… and the privacy notice"
        description = self.soup.select_one('head meta[name="description"]')
        assert description and description.get("content", "").strip(), "no meta description"
        if self.soup.select_one(".error-summary"):
            assert self.title.startswith(("Erro:", "Error:")), f"errors not in title: {self.title}"
        for form in self.soup.find_all("form"):
            if form.get("method", "get").lower() == "post":
                assert form.find("input", attrs={"name": "csrf_token"}), "POST form without CSRF"


class PageClient:
    def __init__(self, client):
        self.client = client

    def _page(self, response, status):
        if status is not None:
            assert response.status_code == status, (
                f"expected {status}, got {response.status_code} ({response.location})"
            )
        page = Page(response)
        if response.mimetype == "text/html":
            page.check_invariants()
        return page

    def get(self, url, status=200, **kwargs) -> Page:
        return self._page(self.client.get(url, **kwargs), status)

    def get_redirect(self, url, **kwargs) -> str:
        response = self.client.get(url, **kwargs)
        assert response.status_code == 302, response.status_code
        return response.location

    def submit(self, url, data=None, form_url=None, status=302, follow=False) -> Page | str:
        """POST a form as a browser would: with the token from the page showing it.

        Returns the redirect location for a 302 (unless ``follow``), else the page.
        """
        page = self.get(form_url or url, status=None)
        fields = {**page.hidden_fields(url, form_url or url), **(data or {})}
        response = self.client.post(
            url, data={**fields, "csrf_token": page.csrf_token()}, follow_redirects=follow
        )
        if status == 302 and not follow:
            assert response.status_code == 302, (
                f"expected a redirect, got {response.status_code}: "
                f"{Page(response).errors() or Page(response).notices()}"
            )
            return response.location
        return self._page(response, status)

    def post(self, url, data=None, status=None):
        return self._page(self.client.post(url, data=data or {}), status)
