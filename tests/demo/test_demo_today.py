"""The demo pins its installation to the demo's day; a database without the demo writes no pin."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from techmayor.demo.plan import DEMO_TODAY
from techmayor.roster.services import member_create
from tests.factories import GroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pin_file(settings, tmp_path):
    settings.DEMO_TODAY_FILE = tmp_path / "var" / "demo_today"
    return settings.DEMO_TODAY_FILE


def test_a_database_holding_the_demo_pins_the_demo_day(pin_file):
    GroupFactory()  # a batch exists: --if-empty builds nothing
    member_create(name="演示团员", is_demo=True)
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert DEMO_TODAY.isoformat() == "2022-05-11"
    assert pin_file.read_text() == "2022-05-11\n"
    assert "跳过演示数据生成" in out.getvalue() and "演示日期：2022-05-11" in out.getvalue()


def test_a_database_with_real_data_only_is_never_pinned(pin_file):
    GroupFactory()
    member_create(name="真实团员")
    call_command("demo", "--if-empty", stdout=io.StringIO())
    assert not pin_file.exists()
