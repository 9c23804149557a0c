"""The demo's shortcut for foreign-key validation: once per referenced row, still refusing a missing one."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from techmayor.core.models import Region, RegionLevel
from techmayor.demo.builder import _references_checked_once

pytestmark = pytest.mark.django_db


def test_a_reference_is_asked_once_and_a_missing_one_is_always_refused(django_assert_num_queries):
    city = Region.objects.create(name="常州市", level=RegionLevel.CITY)
    town = Region(name="湖塘镇", level=RegionLevel.TOWN)
    parent = Region._meta.get_field("parent")
    with _references_checked_once():
        with django_assert_num_queries(1):
            parent.validate(city.pk, town)
            parent.validate(city.pk, town)
        for _ in range(2):
            with pytest.raises(ValidationError), django_assert_num_queries(1):
                parent.validate(city.pk + 1000, town)
    with django_assert_num_queries(2):  # outside the demo, Django asks every time
        parent.validate(city.pk, town)
        parent.validate(city.pk, town)
