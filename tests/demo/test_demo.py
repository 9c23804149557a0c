"""The demo generator: 常州市第十四批科技镇长团 reproduces every figure of the seed article.

The demo is built once for the module (whose tests include the briefing's and the targets' checks on it,
``briefing_on_the_demo`` and ``targets_on_the_demo``), inside a transaction that is rolled back when the module
is done, so other test modules never see it. It is built as on a fresh clone: with
``TECHMAYOR_SHARED_DIR`` pointing at nowhere, and watched (by an audit hook on ``open``) to read
nothing from ``../shared``: everything it needs ships in ``techmayor/data``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.db.models import ForeignKey
from django.urls import reverse
from django.utils.html import escape
from stdnum.cn import uscc

from techmayor import data
from techmayor.accounts.models import User
from techmayor.core.files import read_rows
from techmayor.core.models import AuditLog, Industry
from techmayor.demo import targets as tg
from techmayor.demo import vocab
from techmayor.demo.builder import build_demo
from techmayor.demo.plan import DEFAULT_SEED, DISTRICT, DISTRICT_CODE, plan_demo
from techmayor.enterprises.models import Enterprise
from techmayor.ledger.models import Visit
from techmayor.matchmaking.selectors import need_matches
from techmayor.matchmaking.services import matcher_forget, matching_index_build
from techmayor.needs.choices import LeadSource, NeedState
from techmayor.needs.models import Lead, Need, OutcomeRound, ProgressEntry
from techmayor.resources.models import Achievement, Expert, Platform, University
from techmayor.roster.models import Member, Tenure
from techmayor.scorecard.metrics import SCORECARD_METRICS, Scope, value
from techmayor.scorecard.services import scorecard

# The briefing's and the targets' checks on the demo run in this module, on the demo it builds once:
# building it takes most of a minute.
from tests.demo.briefing_on_the_demo import *  # noqa: F403
from tests.demo.targets_on_the_demo import *  # noqa: F403

pytestmark = pytest.mark.django_db


SHARED_DIR = Path(__file__).resolve().parents[3] / "shared"  # where ../shared sits beside the project
_opened_in_shared: list[str] | None = None  # collecting while not None


def _watch_shared(event: str, args: tuple) -> None:
    if event == "open" and _opened_in_shared is not None and isinstance(args[0], str | Path):
        path = os.path.abspath(args[0])
        if any(path.startswith(str(root) + os.sep) for root in (SHARED_DIR, SHARED_DIR.resolve())):
            _opened_in_shared.append(path)


sys.addaudithook(_watch_shared)  # audit hooks cannot be removed; it records only while the demo is built


@pytest.fixture(scope="module")
def opened_in_shared() -> list[str]:
    return []


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory, opened_in_shared):
    global _opened_in_shared
    nowhere = str(tmp_path_factory.mktemp("fresh-clone") / "no-shared")
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        mock.patch.dict(os.environ, {"TECHMAYOR_SHARED_DIR": nowhere}),
    ):
        _opened_in_shared = opened_in_shared
        try:
            result = build_demo(seed=DEFAULT_SEED)
        finally:
            _opened_in_shared = None
        yield result
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def card(demo, django_db_blocker):
    with django_db_blocker.unblock():
        return scorecard(batch=demo.batch)


def _row_counts() -> dict[str, int]:
    models = [m for m in apps.get_models() if m.__module__.startswith("techmayor.")]
    return {m._meta.label: m.objects.count() for m in models}


def test_the_scorecard_meets_every_figure_and_fact_of_the_article(demo, card):
    assert demo.created
    assert tg.check_targets(card) == []
    assert tg.check_facts(demo.batch) == []


def test_figures_checked_one_by_one_against_the_seed(card):
    totals, groups = card["totals"], card["groups"]
    assert list(groups) == ["溧阳团", "金坛团", "武进团", "新北团"]
    assert (card["members"], card["dispatch_units"]) == (37, 32)
    assert totals["matchmaking_events"] == 83 and totals["other_events"] == 79
    assert (totals["linked_enterprises"], totals["linked_hightech_enterprises"]) == (567, 152)
    assert (totals["platforms_introduced"], totals["projects_brokered"], totals["talents_introduced"]) == (13, 36, 92)
    liyang = groups["溧阳团"]
    assert liyang["contract_amount_wan"] == Decimal(2212)
    assert 361 <= liyang["visits"] <= 369
    assert liyang["enterprises_visited"] < liyang["visits"]
    assert (liyang["major_projects"], liyang["agreements"], liyang["cooperation_intents"]) == (7, 11, 17)
    xinbei = groups["新北团"]
    assert (xinbei["enterprises_visited"], xinbei["needs_collected"]) == (196, 186)
    assert (xinbei["linked_enterprises"], xinbei["hightech_cultivated"], xinbei["universities_engaged"]) == (41, 41, 9)
    assert groups["金坛团"]["contract_amount_wan"] > 3880
    assert groups["武进团"]["funds_landed_wan"] == Decimal(30000)
    # The batch totals are the sums of the groups for everything counted per record.
    for code in ("matchmaking_events", "visits", "needs_collected", "agreements", "talents_introduced"):
        assert totals[code] == sum(g[code] for g in groups.values()), code
    # Every group visits at least as often as the enterprises it visits.
    assert all(g["visits"] >= g["enterprises_visited"] for g in groups.values())


def test_building_again_creates_nothing(demo):
    before = _row_counts()
    again = build_demo(seed=DEFAULT_SEED)
    assert not again.created and again.batch == demo.batch
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "跳过" in out.getvalue()
    assert _row_counts() == before


def test_same_seed_same_demo_and_the_database_holds_what_was_planned(demo):
    plan = plan_demo(DEFAULT_SEED)
    assert plan == plan_demo(DEFAULT_SEED)
    assert plan != plan_demo(DEFAULT_SEED + 1)
    counts = plan.counts()
    assert Visit.objects.filter(batch=demo.batch).count() == counts["visit"]
    assert Need.objects.filter(batch=demo.batch).count() == counts["need"]
    assert Lead.objects.count() == counts["lead"] + sum(1 for r in plan.records if r.kind == "need" and r.data["lead"])
    changzhou = Enterprise.objects.filter(region__parent__parent=demo.batch.city)
    assert changzhou.count() == len(plan.enterprises)
    assert sorted(changzhou.values_list("name", "credit_code")) == sorted(
        (e.name, e.credit_code or None) for e in plan.enterprises
    )
    fourteenth = Member.objects.filter(tenures__batch=demo.batch)
    assert sorted(fourteenth.values_list("name", flat=True)) == sorted(m.name for m in plan.members)


def test_generated_companies_have_valid_credit_codes_of_their_district_and_everything_is_demo(demo):
    codes = list(Enterprise.objects.exclude(credit_code=None).values_list("credit_code", "region__parent__code"))
    assert len(codes) > 800
    for code, district in codes:
        assert uscc.is_valid(code), code
        assert code[:2] == "91" and code[2:8] == district, (code, district)
    assert set(DISTRICT_CODE.values()) <= {district for _, district in codes}
    assert len({c for c, _ in codes}) == len(codes)
    # The real companies the article names carry no made-up code.
    assert Enterprise.objects.filter(name="天合光能股份有限公司", credit_code=None).exists()
    assert not Enterprise.objects.filter(is_demo=False).exists()
    assert not Member.objects.filter(is_demo=False).exists()
    assert not Platform.objects.filter(is_demo=False).exists()
    assert not Member.objects.filter(name__in=vocab.RESERVED_NAMES).exists()
    assert not AuditLog.objects.exclude(source="demo").exists()


def test_roster_matches_the_article(demo):
    tenures = Tenure.objects.filter(batch=demo.batch).select_related("group__district", "local_region__parent")
    assert tenures.count() == 37
    for tenure in tenures:
        region = tenure.local_region
        assert region == tenure.group.district or region.parent == tenure.group.district
    units = Tenure.objects.filter(batch=demo.batch).values_list("dispatch_unit__name", "dispatch_unit__university")
    assert all(university is not None for name, university in units if name in vocab.UNIVERSITIES)


def test_the_need_loop_is_spread_over_its_states(demo):
    states = set(Need.objects.values_list("state", flat=True))
    assert {NeedState.PENDING, NeedState.PUBLISHED, NeedState.CLAIMED, NeedState.COMPLETED, NeedState.MERGED} <= states
    from_visits = Lead.objects.filter(source=LeadSource.VISIT, needs__isnull=False)
    assert from_visits.exists() and not from_visits.filter(visit=None).exists()
    for lead in from_visits.select_related("visit")[:50]:
        assert lead.enterprise_id == lead.visit.enterprise_id
    assert ProgressEntry.objects.exists() and OutcomeRound.objects.filter(is_approved=True).exists()
    assert not Need.objects.filter(state=NeedState.CLAIMED, owner=None).exists()
    # Needs come from companies of the group's own district.
    for need in Need.objects.filter(batch=demo.batch).select_related("group", "enterprise__region__parent")[:200]:
        assert need.enterprise.region.parent.name == DISTRICT[need.group.name]
    for need in Need.objects.exclude(batch=demo.batch).select_related("group", "enterprise__region")[:300]:
        assert need.enterprise.region.parent_id == need.group.district_id


def test_need_steps_are_dated_in_the_batch_not_today(demo):
    from techmayor.needs.models import NeedTransition

    years = {t.at.year for t in NeedTransition.objects.filter(need__batch=demo.batch)}
    assert years <= {2021, 2022}
    for need in Need.objects.prefetch_related("transitions").select_related("batch"):
        assert all(need.batch.start_date <= t.at.date() <= need.batch.end_date for t in need.transitions.all())
    assert {ref[2:6] for ref in Lead.objects.values_list("reference", flat=True)} <= {"2021", "2022"}
    completed = Need.objects.filter(state=NeedState.COMPLETED)
    assert all(n.completed_at.date() >= n.date for n in completed)


def test_one_demo_account_per_role_with_its_scope(demo):
    from techmayor.accounts.choices import Role

    users = {u.username: u for u in User.objects.filter(is_demo=True).prefetch_related("roles")}
    roles = {name: {a.role for a in u.roles.all()} for name, u in users.items()}
    assert roles["demo_admin"] == {Role.CITY_ADMIN}
    assert roles["demo_leader"] == {Role.LEADER}
    assert roles["demo_province"] == {Role.PROVINCE_ADMIN}
    assert roles["demo_province_leader"] == {Role.PROVINCE_LEADER}
    assert users["demo_province"].roles.get().region.name == "江苏省"
    assert roles["demo_district"] == {Role.DISTRICT_STAFF}
    assert roles["demo_town"] == {Role.TOWN_STAFF}
    assert roles["demo_captain"] == {Role.GROUP_LEADER, Role.MEMBER}
    assert roles["demo_member"] == {Role.MEMBER}
    assert users["demo_captain"].member.tenures.get().role == "团长"
    assert not any(u.must_change_password for u in users.values())
    town = users["demo_town"].roles.get().region
    assert town.parent.name == "溧阳市" and Need.objects.filter(region=town).exists()


def test_without_shared_the_demo_is_complete_from_the_shipped_data(demo, opened_in_shared):
    assert opened_in_shared == []
    assert ForeignKey.validate.__name__ == "validate"  # the demo's shortcut is undone once it is built
    assert University.objects.count() == 2919  # the Ministry's whole list
    assert Industry.objects.count() == 1971 and Industry.objects.filter(level=4).exists()
    assert Enterprise.objects.filter(industry=None).count() == 0
    assert not Enterprise.objects.exclude(industry__level=4).exists()  # every company has its 小类
    assert Achievement.objects.filter(kind="paper").count() == 2000
    assert Achievement.objects.filter(kind="patent").count() == 9740
    assert not Achievement.objects.filter(experts=None).exists()
    assert Expert.objects.filter(is_demo=True, university__isnull=False).count() > 1000


@pytest.fixture(scope="module")
def demo_index(demo, django_db_blocker, tmp_path_factory):
    directory = tmp_path_factory.mktemp("matching") / "index"
    with django_db_blocker.unblock():
        matcher = matching_index_build(directory=directory)
    yield directory, matcher
    matcher_forget()


def test_the_index_builds_and_a_demo_need_gets_every_kind_of_match(demo, demo_index):
    matcher = demo_index[1]
    assert len(matcher.index) == Achievement.objects.count()
    admin = User.objects.get(username="demo_admin")
    needs = Need.objects.filter(batch=demo.batch, state=NeedState.PUBLISHED).order_by("pk")[:5]
    assert len(needs) == 5
    for need in needs:
        results = need_matches(need=need, user=admin, matcher=matcher)
        assert results.available, need
        assert results.experts and results.achievements and results.universities, need
        assert all(row.obj is not None for row in results.experts + results.achievements + results.universities)
        assert results.members and all(row.member is not None for row in results.members), need


def test_the_need_page_shows_the_matches(demo, demo_index, client, settings):
    directory, _ = demo_index
    settings.MATCHING_INDEX_DIR = str(directory)
    need = Need.objects.filter(batch=demo.batch, state=NeedState.PUBLISHED).order_by("pk").first()
    client.force_login(User.objects.get(username="demo_admin"))
    page = client.get(reverse("matchmaking:need_matches", args=[need.pk]))
    assert page.status_code == 200
    results = page.context["results"]
    html = page.content.decode()
    shown = [results.experts[0].obj.name, results.achievements[0].obj.title, results.universities[0].obj.name]
    for text in [*shown, results.members[0].member.name]:
        assert escape(text) in html


def test_scorecard_command_prints_json(demo):
    out = io.StringIO()
    call_command("scorecard", "--batch", "14", "--city", "常州市", "--format", "json", stdout=out)
    card = json.loads(out.getvalue())
    assert {"batch", "city", "period", "totals", "groups", "members", "dispatch_units"} <= set(card)
    assert card["batch"] == 14 and card["city"] == "常州市"
    assert card["totals"]["linked_enterprises"] == 567
    assert card["groups"]["溧阳团"]["contract_amount_wan"] == 2212


def test_check_targets_names_what_is_wrong(card):
    broken = json.loads(json.dumps(card, default=str))
    broken["totals"]["matchmaking_events"] = 82
    broken["groups"]["溧阳团"]["visits"] = 360
    problems = tg.check_targets(broken)
    assert len(problems) == 2
    assert "合计·matchmaking_events: 实际 82，应 = 83" in problems[0]
    assert "溧阳团·visits" in problems[1] and "360余" in problems[1]


@pytest.mark.parametrize(
    ("value", "rule", "number", "ok"),
    [
        (83, "exact", 83, True), (84, "exact", 83, False),
        (361, "余", 360, True), (369, "余", 360, True), (360, "余", 360, False), (370, "余", 360, False),
        (100, "以上", 100, True), (99, "以上", 100, False),
        (Decimal("3880.5"), "超过", 3880, True), (Decimal(3880), "超过", 3880, False),
    ],
)  # fmt: skip
def test_rounding_rules(value, rule, number, ok):
    assert tg.satisfies(value, rule, number) is ok


def test_demo_universities_are_spelled_as_in_the_ministrys_list():
    listed = {}
    for row in read_rows(data.UNIVERSITIES):
        if row.get(2).isdigit():
            listed[row.get(1)] = (row.get(2), row.get(3), row.get(4), row.get(5))
    for name, entry in vocab.UNIVERSITIES.items():
        assert listed.get(name) == entry, name


@pytest.mark.parametrize("period", [(None, None), (dt.date(2021, 10, 1), dt.date(2022, 1, 31))])
def test_grouped_figures_equal_each_scope_computed_alone(demo, period):
    """The scorecard's one query per metric agrees with a query per group for every figure."""
    start, end = period
    card = scorecard(batch=demo.batch, start=start, end=end)
    for group in demo.batch.groups.all():
        alone = {
            m.code: value(m, Scope(batch=demo.batch, group=group, start=start, end=end)) for m in SCORECARD_METRICS
        }
        assert card["groups"][group.name] == alone, group.name
    assert card["totals"] == {
        m.code: value(m, Scope(batch=demo.batch, start=start, end=end)) for m in SCORECARD_METRICS
    }


def test_agreements_that_followed_an_intent_name_it_and_intents_name_the_need_they_answer(demo):
    from techmayor.cooperation.models import Agreement, Intent

    agreements = Agreement.objects.filter(batch=demo.batch)
    linked = list(agreements.filter(intent__isnull=False).select_related("intent"))
    assert 0.25 * agreements.count() <= len(linked) < agreements.count()
    for agreement in linked:
        intent = agreement.intent
        assert (intent.group_id, intent.enterprise_id, intent.university_id) == (
            agreement.group_id,
            agreement.enterprise_id,
            agreement.university_id,
        )
        assert intent.date <= agreement.date
    answering = list(Intent.objects.filter(batch=demo.batch, need__isnull=False).select_related("need"))
    assert answering
    assert all(i.need.enterprise_id == i.enterprise_id and i.need.date <= i.date for i in answering)


# --- the history beside the 14th batch (demo/history.py)


def _batch(city: str, number: int):
    from techmayor.roster.models import Batch

    return Batch.objects.select_related("city").get(city__name=city, number=number)


def test_the_history_adds_a_closed_13th_batch_and_two_cities_current_batches(demo):
    from techmayor.roster.models import Batch

    batches = {(b.city.name, b.number): b for b in Batch.objects.select_related("city")}
    assert set(batches) == {("常州市", 13), ("常州市", 14), ("无锡市", 14), ("苏州市", 14)}
    thirteenth = batches[("常州市", 13)]
    assert (thirteenth.start_date, thirteenth.end_date) == (dt.date(2020, 8, 1), dt.date(2021, 5, 31))
    assert thirteenth.is_closed and not thirteenth.is_active
    assert all(b.is_active and b.start_date.year == 2021 for k, b in batches.items() if k != ("常州市", 13))
    assert [g.name for g in thirteenth.groups.all()] == [g.name for g in demo.batch.groups.all()]
    # Every history record is dated in its batch's term and not after the demo's day.
    for model in (Visit, Need):
        for batch in batches.values():
            dates = model.objects.filter(batch=batch).values_list("date", flat=True)
            assert dates and all(batch.start_date <= d <= min(batch.end_date, dt.date(2022, 5, 11)) for d in dates)
    # Everything made up is demo data, and audited as the demo.
    assert not Member.objects.filter(is_demo=False).exists() and not Enterprise.objects.filter(is_demo=False).exists()
    assert (
        AuditLog.objects.filter(
            model="ledger.visit",
            object_id__in=[str(pk) for pk in Visit.objects.filter(batch=thirteenth).values_list("pk", flat=True)[:20]],
        ).count()
        == 20
    )


def test_some_members_of_the_14th_served_in_the_13th_one_person_two_tenures(demo):
    thirteenth = _batch("常州市", 13)
    both = Member.objects.filter(tenures__batch=thirteenth).filter(tenures__batch=demo.batch).distinct()
    assert 3 <= both.count() <= 10
    for member in both:
        tenures = {t.batch_id: t for t in member.tenures.select_related("group")}
        assert tenures[thirteenth.pk].group.name == tenures[demo.batch.pk].group.name
        assert member.user_id is None  # the demo logins keep their one tenure
    assert Tenure.objects.filter(batch=thirteenth).count() == 34


def test_the_14th_batch_is_as_the_seed_says_and_the_history_is_smaller(demo, card):
    thirteenth = scorecard(batch=_batch("常州市", 13))
    assert tg.check_targets(card) == []
    for code in ("visits", "needs_collected", "agreements", "linked_enterprises", "applications_supported"):
        assert 0 < thirteenth["totals"][code] < card["totals"][code], code


def test_every_comparison_shows_real_figures_for_each_batch_and_city(demo):
    out = io.StringIO()
    call_command("scorecard", "--city", "常州市", "--compare", "13,14", "--format", "json", stdout=out)
    compared = json.loads(out.getvalue())
    assert [b["batch"] for b in compared["batches"]] == [13, 14]
    for batch in compared["batches"]:
        assert batch["totals"]["visits"] > 0 and batch["totals"]["needs_collected"] > 0
        assert Decimal(batch["totals"]["contract_amount_wan"]) > 0
    out = io.StringIO()
    call_command("scorecard", "--province", "江苏省", "--year", "2021", "--format", "json", stdout=out)
    province = json.loads(out.getvalue())
    cities = {c["city"]: c for c in province["cities"]}
    assert len(cities) == 13
    with_batch = {name for name, c in cities.items() if c["batch"]}
    assert with_batch == {"常州市", "无锡市", "苏州市"}
    for name in with_batch:
        totals = cities[name]["totals"]
        assert cities[name]["members"] > 30
        assert all(totals[code] > 0 for code in ("visits", "linked_enterprises", "agreements", "talents_introduced"))
    assert cities["常州市"]["totals"]["linked_enterprises"] == 567  # the seed's, untouched


def test_the_history_cells_agree_with_the_records(demo):
    from techmayor.roster.models import Batch
    from techmayor.scorecard import rollup

    for batch in Batch.objects.all():
        scorecard(batch=batch)  # builds the cells of every batch
    assert rollup.verify() == []


def test_changzhou_roles_see_nothing_of_the_other_cities_and_the_province_sees_them_all(demo, client):
    wuxi = _batch("无锡市", 14)
    visit = Visit.objects.filter(batch=wuxi).first()
    for username in ("demo_admin", "demo_leader", "demo_district", "demo_captain", "demo_member"):
        client.force_login(User.objects.get(username=username))
        page = client.get(reverse("scorecard:overview") + f"?batch={wuxi.pk}")  # their own batch instead
        assert page.status_code in (403, 404) or "无锡市" not in page.content.decode(), username
        page = client.get(reverse("scorecard:compare") + f"?city={wuxi.city_id}")
        assert page.status_code in (403, 404), username
        assert client.get(reverse("ledger:visit_detail", args=[visit.pk])).status_code in (403, 404), username
    for username in ("demo_province", "demo_province_leader"):
        client.force_login(User.objects.get(username=username))
        assert client.get(reverse("scorecard:overview") + f"?batch={wuxi.pk}").status_code == 200
        assert client.get(reverse("ledger:visit_detail", args=[visit.pk])).status_code == 200
        page = client.get(reverse("scorecard:province") + "?year=2021")
        assert page.status_code == 200
        assert "无锡市" in page.content.decode() and "苏州市" in page.content.decode()
