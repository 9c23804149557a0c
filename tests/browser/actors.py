"""A person using the platform in a browser context of their own, for the browser tests."""

from __future__ import annotations

import re

from django.urls import reverse

from tests.browser.conftest import PHONE

TIMEOUT = 20_000

FIGURES_JS = """() => Object.fromEntries(
  [...document.querySelectorAll('.tm-figure-card')].map(card => [
    card.querySelector('.tm-name').innerText.trim() + '|' + card.querySelector('.tm-value small').innerText.trim(),
    card.querySelector('.tm-value').firstChild.textContent.trim(),
  ]))"""

SCORECARD_JS = """group => {
  const table = document.querySelector('table.tm-overview');
  const heads = [...table.querySelectorAll('thead th')].map(th => th.innerText.trim());
  const col = heads.indexOf(group);
  return Object.fromEntries([...table.querySelectorAll('tbody tr')].map(tr => {
    const th = tr.querySelector('th');
    const unit = th.querySelector('span').innerText.trim().replace(/[（）]/g, '');
    const name = th.firstChild.textContent.trim();
    return [name + '|' + unit, tr.children[col].innerText.trim()];
  }));
}"""

# The innermost elements that reach beyond the right edge (to say what overflows).
OVERFLOW_JS = """width => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > width + 1)
  .filter(el => ![...el.children].some(c => c.getBoundingClientRect().right > width + 1))
  .slice(0, 5)
  .map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '')
       + ' «' + (el.innerText || '').slice(0, 40) + '»')"""


class Actor:
    """One person in their own browser context (phone-sized for the member, desktop for the others)."""

    def __init__(self, browser, base_url: str, username: str | None, password: str = "", *, phone: bool = False):
        """A new browser context, logged in as ``username`` through the login form (if given)."""
        if phone:
            options = {"viewport": PHONE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
        else:
            options = {"viewport": {"width": 1280, "height": 900}}
        self.context = browser.new_context(locale="zh-CN", **options)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT)
        self.base = base_url
        self.phone = phone
        self.pages_seen: list[str] = []
        if username:
            self.login(username, password)

    def url(self, name, *args) -> str:
        return self.base + reverse(name, args=args)

    def settle(self) -> None:
        """Wait for the page and any htmx request it started; on a phone, check nothing overflows."""
        self.page.wait_for_load_state("load")
        self.page.wait_for_function("() => !document.querySelector('.htmx-request')", timeout=TIMEOUT)
        if self.phone:
            width = self.page.evaluate("document.documentElement.scrollWidth")
            path = self.page.url.removeprefix(self.base)
            self.pages_seen.append(path)
            if width > PHONE["width"]:
                culprits = self.page.evaluate(OVERFLOW_JS, PHONE["width"])
                raise AssertionError(f"{path} is {width}px wide on a 375px phone; too wide: {culprits}")

    def goto(self, url: str) -> None:
        self.page.goto(url)
        self.settle()

    def submit(self, locator, *, to: str | re.Pattern | None = None) -> None:
        """Click a submit button and wait for the next page (optionally a given URL)."""
        with self.page.expect_navigation(url=to or re.compile(".*"), wait_until="load"):
            locator.click()
        self.settle()

    def login(self, username: str, password: str) -> None:
        """Through the login form, landing on the home page."""
        self.goto(self.url("accounts:login"))
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.submit(self.page.locator("form button[type=submit]"), to=self.url("web:home"))

    def text(self) -> str:
        return self.page.locator("main").inner_text()

    def expect_text(self, *texts: str) -> None:
        main = self.page.locator("main")
        for text in texts:
            main.get_by_text(text, exact=False).first.wait_for(state="visible")

    def todo(self, label: str) -> None:
        """Follow one of the home page's to-do items."""
        self.goto(self.url("web:home"))
        item = self.page.locator(".list-group-item", has_text=label)
        self.submit(item.first)

    def figures(self) -> dict[tuple[str, str], float]:
        """The figure cards on the page, by (metric, unit)."""
        raw = self.page.evaluate(FIGURES_JS)
        return {tuple(k.split("|")): float(v) for k, v in raw.items()}

    def scorecard_column(self, group: str) -> dict[tuple[str, str], float]:
        """One group's column of the scorecard table, by (metric, unit)."""
        raw = self.page.evaluate(SCORECARD_JS, group)
        return {tuple(k.split("|")): float(v) for k, v in raw.items()}

    def close(self) -> None:
        self.context.close()
