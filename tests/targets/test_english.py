"""The targets pages in English: no Chinese left but the data (group names, reasons), for every role."""

import pytest
from django.urls import reverse

from tests.web.test_english import Crawl

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["admin", "leader", "ds_jt", "gl_ly", "m_jt"])
def test_targets_pages_are_english(client, world, targets, who):
    client.force_login(getattr(world.users, who))
    crawl = Crawl(client)
    starts = [reverse("targets:target_list"), reverse("dashboards:dashboard"), reverse("web:home")]
    starts += [reverse("targets:target_detail", args=[t.pk]) for t in targets.values()]
    starts += [reverse("roster:group_detail", args=[g.pk]) for g in (world.liyang, world.jintan)]
    crawl.run(starts)
    if who == "admin":
        crawl.post(reverse("targets:target_set"), {"metric": "agreements", "value": "0"})
        crawl.post(reverse("targets:target_revise", args=[targets["ly_visits"].pk]), {"value": "3"})
        crawl.post(reverse("targets:margin_set"), {"margin": "500"})
    assert not crawl.problems, crawl.report()
