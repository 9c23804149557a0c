"""The library's pages read in English when English is chosen (data values aside), for the roles
that read and keep it, with validation and service errors shown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from techmayor.matchmaking import services as matching
from techmayor.resources.models import Achievement
from tests.web.test_english import Crawl

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["admin", "member", "town"])
def test_every_library_page_is_english(client, lib, who):
    matching.matching_index_build()
    matching.need_assessments_refresh(force=True)
    need = lib.world.needs["ly"]
    e1 = lib.experts["E1"]
    matching.match_feedback_record(
        need=need, user=lib.users["admin"], target="expert", target_id=str(e1.pk), accepted=False, reason="太早期"
    )
    battery = Achievement.objects.get(external_id="p-battery")
    client.force_login(lib.users[who])
    crawl = Crawl(client)
    crawl.run(
        [
            reverse("library:expert_list"),
            reverse("library:expert_list") + "?q=x&mine=1",
            reverse("library:expert_detail", args=[e1.pk]),
            reverse("library:achievement_detail", args=[battery.pk]),
            reverse("library:university_detail", args=[lib.u1.pk]),
            reverse("library:planner") + f"?r={battery.pk}&q=电池",
            reverse("library:planner") + "?q=nothing",
            reverse("library:expert_merge", args=[e1.pk]),
            reverse("library:expert_create"),
            reverse("library:achievement_create"),
        ]
    )
    assert len(crawl.visited) > 5
    if who in ("admin", "member"):
        crawl.post(reverse("library:expert_create"), {})
        crawl.post(reverse("library:expert_create"), {"name": e1.name, "university": lib.u1.pk})  # a duplicate
        crawl.post(reverse("library:achievement_create"), {})
        crawl.post(reverse("library:expert_merge", args=[e1.pk]), {})
        crawl.post(reverse("library:expert_edit", args=[e1.pk]), {"name": ""})
    # the crawl follows links to other apps' pages too; those are their own tests' business
    crawl.problems = {where: found for where, found in crawl.problems.items() if " /library/" in where}
    assert not crawl.problems, "Chinese text on English pages:\n" + crawl.report()
