"""The figure cache: a value is reused until a service writes (the audit's newest id moves), and
only while FIGURE_CACHE_SECONDS is on."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from techmayor.core.cache import cached, data_version
from techmayor.core.services import create_record
from techmayor.enterprises.models import Enterprise
from tests.factories import credit_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _count() -> int:
    return cached("count", lambda: Enterprise.objects.count())


@override_settings(FIGURE_CACHE_SECONDS=60)
def test_a_cached_value_lasts_until_a_service_writes():
    assert _count() == 0
    Enterprise.objects.bulk_create([Enterprise(name="不经服务写入的企业", credit_code=credit_code(1))])
    assert _count() == 0  # no audit row: the cached value stands (for its lifetime at most)
    before = data_version()
    create_record(Enterprise, name="常州示例科技有限公司", credit_code=credit_code(2))
    assert data_version() > before
    assert _count() == 2


@override_settings(FIGURE_CACHE_SECONDS=0)
def test_the_cache_can_be_turned_off():
    assert _count() == 0
    Enterprise.objects.bulk_create([Enterprise(name="常州示例科技有限公司", credit_code=credit_code(1))])
    assert _count() == 1
