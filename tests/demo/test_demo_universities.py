"""The demo tops up the universities it needs when the loaded list lacks some of them."""

from __future__ import annotations

import pytest
from django.test import override_settings

from techmayor.demo import builder, vocab
from techmayor.demo.plan import plan_demo
from techmayor.resources.importers import import_universities
from techmayor.resources.models import University

pytestmark = pytest.mark.django_db


def test_missing_universities_are_imported_from_the_demos_own_table(tmp_path, monkeypatch):
    short = tmp_path / "two.csv"
    short.write_text(
        "学校名称,学校标识码,主管部门,所在地,办学层次\n常州大学,4132010292,江苏省,常州市,本科\n", encoding="utf-8"
    )
    monkeypatch.setattr(builder, "load_builtin_universities", lambda: import_universities(short))
    plan = plan_demo()
    with override_settings(SHARED_DIR=tmp_path / "absent"):
        message = builder.load_universities(plan)
    assert "补充演示所需高校" in message
    names = dict(University.objects.values_list("name", "code"))
    for name in plan.universities():
        assert names[name] == vocab.UNIVERSITIES[name][0]
    assert University.objects.count() == len(plan.universities())
