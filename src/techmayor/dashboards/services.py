"""Writes for the dashboards: a city's ranking switch (audited)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from techmayor.core.errors import ApplicationError
from techmayor.core.models import RegionLevel
from techmayor.core.services import create_record, update_record

from .models import CityDashboard


@transaction.atomic
def ranking_set(*, city, enabled: bool, by=None) -> CityDashboard:
    """Switch the groups' ranking on or off for ``city``'s dashboards."""
    if city is None or city.level != RegionLevel.CITY:
        raise ApplicationError(gettext("排名开关只能按地级市设置"), field="city")
    setting = CityDashboard.objects.select_for_update().filter(city=city).first()
    if setting is None:
        return create_record(CityDashboard, by=by, city=city, show_ranking=bool(enabled))
    return update_record(setting, by=by, show_ranking=bool(enabled))
