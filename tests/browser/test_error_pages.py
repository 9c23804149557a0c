"""What a member sees on a phone when a link leads outside their scope: a Chinese page that fits, with
the reason, not the server's bare English "Not Found" / "403 Forbidden" laid out 980 px wide."""

import pytest
from django.urls import reverse

from techmayor.needs.choices import NeedState
from tests.browser.actors import Actor
from tests.needs.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_member_is_told_in_chinese_when_a_need_is_out_of_reach(live_server, browser):
    world = build_world()
    ly = world.place("ly", NeedState.PUBLISHED)  # 溧阳团's need, published: the member may read it
    jt = world.needs["jt"]  # 金坛团's need: not in the member's scope
    member = Actor(browser, live_server.url, "member", "pw-For-Tests-1", phone=True)
    try:
        response = member.page.goto(live_server.url + reverse("needs:need_detail", args=[jt.pk]))
        assert response.status == 404
        member.settle()  # fits in 375 px
        member.expect_text("记录不存在，或不在你的查看范围内")
        assert "Not Found" not in member.text()
        assert member.page.locator(".tm-tabbar").is_visible()  # the way back is there

        # Readable, but only its owner reports progress: 403 with the reason.
        response = member.page.goto(live_server.url + reverse("needs:need_progress", args=[ly.pk]))
        assert response.status == 403
        member.settle()
        member.expect_text("没有权限", "填报进展")
        assert "Forbidden" not in member.text()
    finally:
        member.close()
