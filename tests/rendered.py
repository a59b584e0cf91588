"""Every page of tests/visits.py PAGES as the test client gets it, each visited once per run.

Several suites read the same pages (the language check, the HTML validator): the
``rendered_pages`` fixture (tests/conftest.py) visits a page the first time one asks
for it and keeps what came back. A visit that failed fails again, with the same
error, for every test that asks for it.
"""

from dataclasses import dataclass

from tests.visits import ClientVisitor, Visit


@dataclass(frozen=True)
class RenderedPage:
    status: int
    lang: str
    html: str


class RenderedPages:
    def __init__(self, site):
        self.site = site
        self._pages: dict[tuple[str, str], RenderedPage | Exception] = {}

    def get(self, visit: Visit, language: str) -> RenderedPage:
        key = (visit.name, language)
        if key not in self._pages:
            try:
                client = self.site.app.test_client()
                visitor = visit.run(ClientVisitor(self.site, language, client))
                self._pages[key] = RenderedPage(
                    visitor.status,
                    visitor.page.lang,
                    visitor.page.response.get_data(as_text=True),
                )
            except Exception as error:  # noqa: BLE001 — kept, raised for each asker
                self._pages[key] = error
        page = self._pages[key]
        if isinstance(page, Exception):
            raise page
        return page
