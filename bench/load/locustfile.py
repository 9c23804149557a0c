"""20 logged-in users on the pages used most: home, the need list, the scorecard, the enterprise list.

Run by ``make bench-load`` (``python -m bench.load``) against ``techmayor serve`` on a copy of the demo
database. Accounts and their password come from BENCH_ACCOUNTS and BENCH_PASSWORD.
"""

from __future__ import annotations

import itertools
import os
import re

from locust import HttpUser, between, task

ACCOUNTS = itertools.cycle(os.environ.get("BENCH_ACCOUNTS", "demo_admin").split(","))
PASSWORD = os.environ.get("BENCH_PASSWORD", "")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Staff(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        page = self.client.get("/accounts/login/", name="login page")
        token = CSRF.search(page.text).group(1)
        response = self.client.post(
            "/accounts/login/",
            {"username": next(ACCOUNTS), "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="login",
            allow_redirects=False,
        )
        if response.status_code != 302:
            response.failure(f"login refused: {response.status_code}")

    @task(3)
    def home(self):
        self.client.get("/", name="home")

    @task(3)
    def need_list(self):
        self.client.get("/needs/", name="need list")

    @task(2)
    def scorecard(self):
        self.client.get("/scorecard/", name="scorecard")

    @task(2)
    def enterprise_list(self):
        self.client.get("/enterprises/", name="enterprise list")
