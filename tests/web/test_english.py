"""Every page of every role reads in English when English is chosen: no Chinese character (nor
full-width punctuation) outside data values.

The pages are found by crawling: for each role of the two small worlds (the ledger world of
``tests/web/conftest.py`` and the need-loop world of ``tests/needs/world.py``, with a matching index),
start at the home page and the pages the navigation reaches and follow every link (``href`` and
``hx-get``) to a page of this site, a few of each kind. Forms are also posted empty (validation
errors) and with a value a service rejects (a service error message).

Data values are allowed: every text stored in the database (names of enterprises, people, regions,
record titles, taxonomies, the audit trail's values) is masked before the check.
"""

from __future__ import annotations

import html as htmlmod
import os
import re
from collections import deque
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import Resolver404, resolve, reverse

from techmayor.needs.choices import NeedState as S
from techmayor.needs.models import Need
from tests.web.conftest import KEYS, build_world, url

pytestmark = pytest.mark.django_db

# CJK ideographs, CJK symbols and punctuation (、。「」), full-width forms (：（），).
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
# Views that do not render a page for people (files, exports, JSON, actions reached by GET by mistake).
SKIP_VIEWS = {
    "web:favicon",
    "accounts:logout",
    "set_language",
    "core:attachment_download",
    "dashboards:geo",
    "needs:intake_link_png",
    "needs:need_export",
    "scorecard:overview_export",
    "scorecard:drill_export",
    "scorecard:ledger_workbook",
    "enterprises:enterprise_export",
    "resources:platform_export",
    "policies:policy_export",
    "accounts:audit_export",
    "api:docs",  # the API's documentation: Chinese descriptions, as its readers are the province's developers
    "api:schema",
}
PER_VIEW = 2  # pages of one view and one set of query parameters visited per role
OPTION_VALUE = re.compile(r'<option value="[^"]*"')
LINK = re.compile(r'(?:href|hx-get|action)="(/[^"#]*)"')


def data_strings() -> list[str]:
    """Every stored text holding a Chinese character, longest first (so that parts mask last)."""
    found: set[str] = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                _collect(value, found)
    found |= {str(name) for _, name in settings.LANGUAGES}  # the language switch names each language
    return sorted((s for s in found if CJK.search(s)), key=len, reverse=True)


def _collect(value, found: set[str]) -> None:
    if isinstance(value, str):
        found.add(value)
        found.update(line.strip() for line in value.splitlines() if line.strip())
    elif isinstance(value, dict):
        for v in value.values():
            _collect(v, found)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _collect(v, found)


TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")


def without_chinese_documents(page: str) -> str:
    """``page`` without the elements marked ``lang="zh-Hans"``: a document written in Chinese whatever
    the reader's language (the briefing follows the official-document rules), not interface text."""
    out, start, name, depth, pos = [], None, "", 0, 0
    for tag in TAG.finditer(page):
        closing, tag_name, attrs = tag.group(1), tag.group(2).lower(), tag.group(3)
        if start is None:
            if not closing and 'lang="zh-Hans"' in attrs:
                out.append(page[pos : tag.start()])
                start, name, depth = tag.start(), tag_name, 1
        elif tag_name == name:
            depth += -1 if closing else 1
            if depth == 0:
                start, pos = None, tag.end()
    if start is None:
        out.append(page[pos:])
    return "".join(out)


def chinese_left(page: str, masks: list[str]) -> list[str]:
    """The Chinese runs of ``page`` (with some context) once data values are masked."""
    text = OPTION_VALUE.sub("<option", without_chinese_documents(page))  # a choice's stored code is not shown
    text = htmlmod.unescape(text)
    for value in masks:
        text = text.replace(value, "\x00")
    problems = []
    for found in CJK.finditer(text):
        start, end = found.span()
        # A data value shortened for display ("电池低温续航…") is still data.
        if text[end : end + 1] == "…" and any(m.startswith(found.group()) for m in masks):
            continue
        problems.append(text[max(0, start - 30) : end + 30].replace("\x00", "▯").replace("\n", " "))
    return problems


class Crawl:
    def __init__(self, client, masks_from_db=True):
        self.client = client
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        self.problems: dict[str, list[str]] = {}
        self.seen: dict[tuple, int] = {}
        self.visited: set[str] = set()
        self.masks = data_strings() if masks_from_db else []

    def check(self, where: str, response) -> str:
        assert response.status_code < 500, (where, response.status_code)
        if not response.get("Content-Type", "").startswith("text/html"):
            return ""
        page = response.content.decode()
        assert response.get("Content-Language", "en") == "en", where
        left = chinese_left(page, self.masks)
        if left:
            self.problems[where] = left
        return page

    def run(self, starts: list[str]) -> None:
        queue = deque(starts)
        while queue:
            path = queue.popleft()
            if path in self.visited:
                continue
            parts = urlsplit(path)
            try:
                match = resolve(parts.path)
            except Resolver404:
                continue
            if match.view_name in SKIP_VIEWS or match.view_name.startswith("admin:"):
                continue
            key = (match.view_name, frozenset(k for k, _ in parse_qsl(parts.query)))
            if self.seen.get(key, 0) >= PER_VIEW:
                continue
            self.seen[key] = self.seen.get(key, 0) + 1
            self.visited.add(path)
            response = self.client.get(path)
            page = self.check(f"GET {path}", response)
            if response.status_code == 200 and page:
                queue.extend(htmlmod.unescape(link) for link in LINK.findall(page))

    def post(self, path: str, data: dict) -> None:
        self.check(f"POST {path} {sorted(data)}", self.client.post(path, data, follow=True))

    def report(self) -> str:
        """Each Chinese run once, with the first page and context it was found in."""
        first: dict[str, str] = {}
        for where, found in self.problems.items():
            for context in found:
                for run in CJK.findall(context):
                    first.setdefault(run, f"{run!r} on {where}: {context}")
        report = "\n".join(first.values())
        if os.environ.get("ENGLISH_REPORT"):
            with open(os.environ["ENGLISH_REPORT"], "a", encoding="utf-8") as out:
                out.write(report + "\n")
        return report


NAV = ["/", "/ledger/", "/needs/", "/needs/leads/", "/enterprises/", "/roster/groups/", "/roster/me/", "/scorecard/"]
NAV += ["/dashboard/", "/notifications/", "/notifications/preferences/", "/matching/search/", "/withdrawn/"]


@pytest.fixture
def ledger_world(db):
    return build_world()


LEDGER_ROLES = ["admin", "leader", "ds_jt", "ts_ly", "gl_ly", "m_ly", "nobody"]


@pytest.mark.parametrize("who", LEDGER_ROLES)
def test_every_ledger_page_of_every_role_is_english(client, ledger_world, who):
    world = ledger_world
    client.force_login(getattr(world.users, who))
    crawl = Crawl(client)
    starts = list(NAV)
    starts += [url(key, "list") for key in KEYS] + [url(key, "create") for key in KEYS]
    starts += [url(key, "detail", world.ly[key].pk) for key in KEYS]
    starts += ["/scorecard/drill/visits/", "/scorecard/briefing/", "/accounts/audit/", "/accounts/password/"]
    starts += [f"/roster/groups/{world.liyang.pk}/?period=month", "/enterprises/?q=x", url("visit", "list") + "?q=x"]
    crawl.run(starts)
    assert len(crawl.visited) > 10
    if who in ("admin", "m_ly"):
        # Forms with a validation error and with a message from a service.
        for key in ("visit", "event", "report", "agreement", "fund"):
            crawl.post(url(key, "create"), {})
        crawl.post("/enterprises/new/", {"name": "x", "credit_code": "123"})
        crawl.post(url("fund", "create"), fund_rejected_by_service(world))
        crawl.post("/accounts/password/", {"old_password": "wrong", "new_password1": "a", "new_password2": "b"})
    assert not crawl.problems, "Chinese text on English pages:\n" + crawl.report()


def fund_rejected_by_service(world) -> dict:
    """A fund landing dated in the future: the form passes, the service refuses the date."""
    return {
        "batch": world.batch.pk,
        "group": world.liyang.pk,
        "members": [world.ly_a.pk],
        "date": "2099-01-01",
        "fund_name": "Fund A",
        "amount_wan": "100",
    }


def build_need_world_with_matches():
    """The need-loop world with a matching index (into ``settings.MATCHING_INDEX_DIR``): the 溧阳 need
    claimed, with an English title and a text that finds matches; the 金坛 need completed."""
    from techmayor.matchmaking import services as matching
    from tests.needs.world import build_world as build_need_world

    matching.matcher_forget()
    world = build_need_world()
    _pool()
    matching.matching_index_build()
    need = world.place("ly", S.CLAIMED)
    Need.objects.filter(pk=need.pk).update(
        title="Battery capacity fade", description="储能电池包循环寿命短，容量衰减快，希望找专家分析原因。"
    )
    world.place("jt", S.COMPLETED)
    return world


@pytest.fixture
def need_world(db, settings, tmp_path):
    from techmayor.matchmaking import services as matching

    settings.MATCHING_INDEX_DIR = str(tmp_path / "index")
    yield build_need_world_with_matches()
    matching.matcher_forget()


def _pool():
    from tests.matchmaking.conftest import build_pool

    build_pool(university="University {}", expert="Expert {}")


NEED_ROLES = ["admin", "leader", "district", "town", "group_leader", "owner", "collaborator", "invitee", "nobody"]


@pytest.mark.parametrize("who", NEED_ROLES)
def test_every_need_page_of_every_role_is_english(client, need_world, who):
    world = need_world
    client.force_login(world.users[who])
    crawl = Crawl(client)
    needs = list(Need.objects.values_list("pk", flat=True))
    starts = list(NAV) + [f"/needs/{pk}/" for pk in needs] + [f"/matching/needs/{pk}/" for pk in needs]
    starts += ["/needs/?state=claimed", "/needs/intake-links/", "/matching/index/", "/dashboard/ranking/"]
    crawl.run(starts)
    assert len(crawl.visited) > 5
    if who in ("admin", "owner"):
        ly = world.needs["ly"].pk
        crawl.post(reverse("needs:need_progress", args=[ly]), {})
        crawl.post(reverse("needs:need_progress", args=[ly]), {"date": "2099-01-01", "current_status": "x"})
        crawl.post(reverse("needs:need_complete", args=[ly]), {})
        crawl.post(reverse("matchmaking:need_feedback", args=[ly]), {"target": "expert", "accepted": "0"})
        crawl.post(reverse("needs:lead_create"), {})
    assert not crawl.problems, "Chinese text on English pages:\n" + crawl.report()


def test_the_public_intake_page_is_english(client, need_world):
    from techmayor.needs.services import intake_channel_open

    link = intake_channel_open(region=need_world.town_ly)
    crawl = Crawl(client)
    path = reverse("intake:form", args=[link.token])
    crawl.run([path])
    crawl.post(path, {})
    assert crawl.visited
    assert not crawl.problems, "Chinese text on English pages:\n" + crawl.report()


def test_the_check_finds_chinese_outside_data():
    masks = ["常州恒远精密机械有限公司", "电池低温续航不足"]
    assert chinese_left("<p>常州恒远精密机械有限公司</p><p>Recorded</p>", masks) == []
    assert chinese_left("<p>电池低温续航…</p>", masks) == []
    assert chinese_left("<p>Record：x</p>", masks)
    assert chinese_left("<p>（Ended）</p>", masks)
    assert chinese_left("<p>常州恒远精密机械有限公司已作废</p>", masks)
    document = '<div lang="zh-Hans"><div>工作简报</div><p>组织活动</p></div><p>Note</p>'
    assert chinese_left(document, masks) == []
    assert chinese_left(document + "<p>简报</p>", masks)
