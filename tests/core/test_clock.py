"""The business day (core.clock): pinned by TECHMAYOR_TODAY or the demo's day in demo mode, else the real date."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured, ValidationError

from techmayor.config import settings as project_settings
from techmayor.core import clock

SHANGHAI = ZoneInfo("Asia/Shanghai")
REAL = dt.datetime(2026, 12, 7, 8, 30, tzinfo=SHANGHAI)
PIN = dt.date(2022, 5, 11)


@time_machine.travel(REAL, tick=False)
def test_unpinned_the_business_day_is_the_real_one(settings):
    settings.TECHMAYOR_TODAY = None
    assert clock.pinned_day() is None
    assert clock.today() == dt.date(2026, 12, 7)
    assert clock.now() == REAL


@time_machine.travel(REAL, tick=False)
def test_pinned_the_day_moves_and_the_time_of_day_is_real(settings):
    settings.TECHMAYOR_TODAY = PIN
    assert clock.today() == PIN
    now = clock.now()
    assert now == dt.datetime(2022, 5, 11, 8, 30, tzinfo=SHANGHAI)
    assert now.tzinfo is not None


@pytest.mark.parametrize(
    ("day", "refused"), [(PIN - dt.timedelta(days=1), False), (PIN, False), (PIN + dt.timedelta(days=1), True)]
)
def test_check_not_future_names_the_field(settings, day, refused):
    settings.TECHMAYOR_TODAY = PIN

    class Record:
        date = day
        established_on = None

    if not refused:
        clock.check_not_future(Record(), "date", "established_on")
        return
    with pytest.raises(ValidationError) as exc:
        clock.check_not_future(Record(), "date", "established_on")
    assert list(exc.value.error_dict) == ["date"]
    assert exc.value.messages == ["2022-05-12 晚于今天（2022-05-11）：已发生的工作不能填写未来的日期"]


# --- where the pin comes from (settings._pinned_today) -------------------------------------------


@pytest.fixture
def pin_sources(monkeypatch, tmp_path):
    """Point the settings module at a temporary demo-day file, with no TECHMAYOR_TODAY in the environment."""
    monkeypatch.delenv("TECHMAYOR_TODAY", raising=False)
    path = tmp_path / "demo_today"
    monkeypatch.setattr(project_settings, "DEMO_TODAY_FILE", path)

    def pin(*, env: str | None = None, file: str | None = None, demo_mode: bool = True):
        if env is not None:
            monkeypatch.setenv("TECHMAYOR_TODAY", env)
        if file is not None:
            path.write_text(file + "\n")
        monkeypatch.setattr(project_settings, "DEMO_MODE", demo_mode)
        return project_settings._pinned_today()

    return pin


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        ({}, None),
        ({"env": "2022-05-11"}, PIN),
        ({"env": "2022-05-11", "demo_mode": False}, PIN),  # an explicit pin works everywhere
        ({"file": "2022-05-11"}, PIN),  # the demo's day, in demo mode
        ({"file": "2022-05-11", "demo_mode": False}, None),  # production never follows the demo's file
        ({"env": "2023-01-02", "file": "2022-05-11"}, dt.date(2023, 1, 2)),  # the variable wins
        ({"env": " "}, None),
    ],
)
def test_the_pin_comes_from_the_variable_or_the_demo_in_demo_mode(pin_sources, sources, expected):
    assert pin_sources(**sources) == expected


@pytest.mark.parametrize("sources", [{"env": "2022-13-01"}, {"env": "11/05/2022"}, {"file": "tomorrow"}])
def test_a_bad_pin_stops_start_up_naming_its_source(pin_sources, sources):
    with pytest.raises(ImproperlyConfigured, match="must be a date such as 2022-05-11"):
        pin_sources(**sources)
