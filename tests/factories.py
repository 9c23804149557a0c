"""Factories for tests: a small, valid world built through the services where rules matter."""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from stdnum.cn import uscc

from techmayor.accounts.models import User
from techmayor.core.models import Region, RegionLevel
from techmayor.enterprises.models import Enterprise
from techmayor.resources.models import University
from techmayor.roster.models import Batch, DispatchUnit, Group, Member, Tenure

_codes = itertools.count(1)


def credit_code(n: int | None = None) -> str:
    """A valid 统一社会信用代码 (check digit computed by python-stdnum)."""
    n = next(_codes) if n is None else n
    body = f"91320412MA{n:07d}"[:17]
    return body + uscc.calc_check_digit(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("parent", "name")

    name = factory.Sequence(lambda n: f"地区{n}")
    level = RegionLevel.TOWN


def city() -> Region:
    province = RegionFactory(name="江苏省", level=RegionLevel.PROVINCE, parent=None)
    return RegionFactory(name="常州市", level=RegionLevel.CITY, parent=province, code="320400")


def district(name: str = "溧阳市") -> Region:
    return RegionFactory(name=name, level=RegionLevel.DISTRICT, parent=city())


class UniversityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = University
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"4132{n:06d}")
    name = factory.Sequence(lambda n: f"测试大学{n}")
    level = "本科"


class BatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Batch
        django_get_or_create = ("city", "number")

    city = factory.LazyFunction(city)
    number = 14
    start_date = dt.date(2021, 8, 1)
    end_date = dt.date(2022, 5, 31)
    is_active = True


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group
        django_get_or_create = ("batch", "name")

    batch = factory.SubFactory(BatchFactory)
    name = "溧阳团"
    district = factory.LazyFunction(district)


class DispatchUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DispatchUnit
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"派出单位{n}")
    kind = "university"


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"团员{n}")


class TenureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenure

    member = factory.SubFactory(MemberFactory)
    group = factory.SubFactory(GroupFactory)
    batch = factory.LazyAttribute(lambda o: o.group.batch)
    dispatch_unit = factory.SubFactory(DispatchUnitFactory)
    start_date = dt.date(2021, 8, 1)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"常州测试{n}科技有限公司")
    credit_code = factory.LazyFunction(credit_code)


def member_in(group: Group, **kwargs) -> Member:
    """A member serving in ``group`` (with a tenure in its batch)."""
    return TenureFactory(group=group, batch=group.batch, **kwargs).member
