"""The steps of tests/visits.py, ending on the page under test shown in Chromium.

The steps run in-process through the Flask test client, against the same app and
database as the live server; ``finish`` then hands the cookies to the browser and
shows the last response at its own URL (Playwright's ``route.fulfill``): Chromium
renders exactly what the server answered, with the live server's stylesheet and
script, without repeating the request — so a page reached by a form with errors,
or by a 429, is shown as it was answered. Then the visit's ``in_browser`` actions
act on the page (tests/browser/actions.py). Real clicking and typing through the
journey are tested by tests/browser/test_keyboard.py; taking the shortcut here
keeps a suite of some 150 pages fast.
"""

from tests.visits import ClientVisitor


class BrowserVisitor(ClientVisitor):
    def __init__(self, site, language, page):
        super().__init__(site, language, site.app.test_client(), check_pages=False)
        self.tab = page
        self.actions = []

    def in_browser(self, action):
        self.actions.append(action)
        return self

    def finish(self):
        config = self.site.app.config
        cookies = [self.client.get_cookie(config["LANGUAGE_COOKIE"])]
        cookies.append(self.client.get_cookie(config["SESSION_COOKIE_NAME"]))
        self.tab.context.clear_cookies()
        self.tab.context.add_cookies(
            [{"name": c.key, "value": c.value, "url": self.site.url} for c in cookies if c]
        )
        response = self.page_response
        url = self.site.url + self.url
        headers = {k: v for k, v in response.headers.items() if k.lower() != "set-cookie"}

        def fulfill(route):
            route.fulfill(status=response.status_code, headers=headers, body=response.get_data())

        self.tab.route(url, fulfill)
        try:
            self.tab.goto(url)
        finally:
            self.tab.unroute(url)
        for action in self.actions:
            action(self.tab)
        return self
