import re

import httpx

from core.testing.factories import PASSWORD


class AdminBrowser:
    """A cookie-keeping client that talks to one host's admin, as a browser would."""

    def __init__(self, base_url: str, host: str) -> None:
        self.http = httpx.Client(
            base_url=base_url, headers={"Host": host}, follow_redirects=False, timeout=30
        )

    def login(self, email: str, password: str = PASSWORD) -> httpx.Response:
        page = self.http.get("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        form = {"username": email, "password": password, "csrfmiddlewaretoken": token}
        return self.http.post("/admin/login/?next=/admin/", data=form)

    def get(self, path: str) -> httpx.Response:
        return self.http.get(path)
