"""/targets/ pages through HTTP: who sees which targets, who may set, revise and change the margin (403 for
the others), clear Chinese errors for bad input; the flag on the dashboard, the group's page and the
captain's home page."""

import json

import pytest
from django.urls import reverse

from techmayor.targets.models import Target, TargetSetting

pytestmark = pytest.mark.django_db
LIST = reverse("targets:target_list")


def rows(response):
    return {p.target.pk for p in response.context["progress"]}


def test_the_list_shows_each_readers_targets_with_progress_and_the_chart_data(client, world, targets):
    client.force_login(world.users.admin)
    response = client.get(LIST)
    assert response.status_code == 200
    assert rows(response) == {t.pk for t in targets.values()}
    text = response.content.decode()
    assert "进度滞后" in text and "提前完成" in text and "设定或修改目标" in text
    charts = json.loads(text.split('id="targets-data" type="application/json">')[1].split("</script>")[0])
    assert len(charts["targets"]) == 4 and {"actual", "pace", "target"} <= set(charts["targets"][0])
    client.force_login(world.users.m_jt)
    response = client.get(LIST)
    assert rows(response) == {targets["jt_visits"].pk} and "设定或修改目标" not in response.content.decode()
    client.force_login(world.users.admin)
    assert rows(client.get(LIST, {"group": world.jintan.pk})) == {targets["jt_visits"].pk}


def test_outside_the_scope_is_404_and_without_any_group_403(client, world, targets):
    client.force_login(world.users.ds_jt)
    assert client.get(reverse("targets:target_detail", args=[targets["ly_visits"].pk])).status_code == 404
    assert client.get(LIST, {"group": world.liyang.pk}).status_code == 404
    assert client.get(LIST, {"group": "x"}).status_code == 404
    assert client.get(LIST, {"batch": 999999}).status_code == 404
    assert client.get(reverse("targets:target_detail", args=[targets["jt_visits"].pk])).status_code == 200
    client.force_login(world.users.nobody)
    assert client.get(LIST).status_code == 403
    client.logout()
    assert client.get(LIST).status_code == 302


@pytest.mark.parametrize("who", ["leader", "ds_jt", "gl_ly", "m_ly", "ts_ly"])
def test_only_city_administrators_write(client, world, targets, who):
    client.force_login(getattr(world.users, who))
    assert client.post(reverse("targets:target_set"), {"metric": "agreements", "value": "3"}).status_code == 403
    revise = reverse("targets:target_revise", args=[targets["jt_visits"].pk])
    assert client.post(revise, {"value": "5", "reason": "x"}).status_code in (403, 404)
    assert client.post(reverse("targets:margin_set"), {"margin": "5"}).status_code == 403
    assert not Target.objects.filter(metric="agreements").exists() and not TargetSetting.objects.exists()


def test_an_administrator_sets_a_target_and_bad_input_is_explained(client, world):
    client.force_login(world.users.admin)
    url = reverse("targets:target_set")
    for data, message in [
        ({"metric": "agreements", "value": "0"}, "目标值须大于0"),
        ({"metric": "agreements", "value": "abc"}, "目标值须为数字"),
        ({"metric": "nope", "value": "3"}, "nope"),
        ({"metric": "agreements", "value": "3", "group": world.jintan.pk, "member": world.ly_a.pk}, "不在所选支团"),
    ]:
        response = client.post(url, data)
        assert response.status_code == 400 and message in response.content.decode(), data
    response = client.post(url, {"metric": "agreements", "value": "3", "group": world.jintan.pk})
    assert response.status_code == 302
    target = Target.objects.get(metric="agreements")
    assert (target.group, target.value, target.created_by) == (world.jintan, 3, world.users.admin)
    response = client.post(url, {"metric": "agreements", "value": "4", "group": world.jintan.pk})
    assert response.status_code == 400 and "调整目标须填写调整原因" in response.content.decode()


def test_revising_needs_a_reason_and_the_page_shows_the_history(client, world, targets):
    client.force_login(world.users.admin)
    target = targets["ly_visits"]
    url = reverse("targets:target_revise", args=[target.pk])
    response = client.post(url, {"value": "30"})
    assert response.status_code == 400 and "请填写调整原因" in response.content.decode()
    assert client.post(url, {"value": "30", "reason": "承接省级任务"}).status_code == 302
    page = client.get(reverse("targets:target_detail", args=[target.pk])).content.decode()
    assert "承接省级任务" in page and "20.0000 → 30.0000" in page and "设定目标" in page


def test_the_margin_is_set_on_the_page(client, world, targets):
    client.force_login(world.users.admin)
    response = client.post(reverse("targets:margin_set"), {"margin": "200"})
    assert response.status_code == 400 and "滞后容差须为0到100的整数" in response.content.decode()
    assert client.post(reverse("targets:margin_set"), {"margin": "60"}).status_code == 302
    assert not client.get(LIST).context["behind"]  # 10% against 60% − 60 points


def test_the_flag_is_on_the_dashboard_the_groups_page_and_the_captains_home_page(client, world, targets):
    client.force_login(world.users.admin)
    dashboard = client.get(reverse("dashboards:dashboard")).content.decode()
    assert "目标与进度" in dashboard and "1 项进度滞后" in dashboard
    page = client.get(reverse("roster:group_detail", args=[world.jintan.pk])).content.decode()
    assert "进度滞后" in page and "目标与进度" in page
    page = client.get(reverse("roster:group_detail", args=[world.liyang.pk])).content.decode()
    assert "进度滞后" not in page and "目标与进度" in page
    client.force_login(world.users.gl_ly)
    home = client.get(reverse("web:home")).content.decode()
    assert "本支团目标" in home and "走访企业" in home and "进度滞后" not in home
    client.force_login(world.users.m_jt)
    home = client.get(reverse("web:home")).content.decode()
    assert "本支团目标" in home and "进度滞后" in home
    client.force_login(world.users.ts_ly)  # no tenure: no group box on the home page
    assert "本支团目标" not in client.get(reverse("web:home")).content.decode()


def test_the_page_costs_the_same_queries_whatever_the_records(client, world, targets):
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.targets.conftest import add_visits

    client.force_login(world.users.admin)
    client.get(LIST)  # cells built, sessions warm
    with CaptureQueriesContext(connection) as before:
        assert client.get(LIST).status_code == 200
    add_visits(world, world.jintan, world.jt_a, [dt.date(2021, 12, 1) + dt.timedelta(days=k) for k in range(30)])
    with CaptureQueriesContext(connection) as after:
        assert client.get(LIST).status_code == 200
    assert len(after) == len(before)
