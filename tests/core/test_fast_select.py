"""The filters' selects written in Python: the HTML of Django's Select, without a query to count choices."""

import re

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from techmayor.core.forms import FastSelect, styled
from techmayor.roster.models import Group
from tests.factories import GroupFactory

OPTION = re.compile(r'<option value="([^"]*)"( selected)?>([^<]*)</option>')


def options(html: str) -> list[tuple[str, bool, str]]:
    return [(value, bool(mark), label) for value, mark, label in OPTION.findall(html)]


@pytest.mark.parametrize("value", [None, "", "2", 2])
def test_the_options_and_attributes_are_those_of_django_select(value):
    choices = [("", "全部"), (1, "溧阳<团>"), (2, '金坛"团"')]
    plain = forms.Select(attrs={"class": "form-select"}, choices=choices).render("g", value, {"id": "id_g"})
    fast = FastSelect(attrs={"class": "form-select"}, choices=choices).render("g", value, {"id": "id_g"})
    assert options(fast) == options(plain) and len(options(fast)) == 3
    assert fast.startswith('<select name="g" class="form-select" id="id_g">')
    assert "&lt;团&gt;" in fast and "<团>" not in fast


@pytest.mark.django_db
def test_a_styled_filter_form_renders_model_choices_without_counting_them():
    first = GroupFactory()
    for name in ("金坛团", "武进团"):
        GroupFactory(batch=first.batch, name=name)

    class Form(forms.Form):
        group = forms.ModelChoiceField(queryset=Group.objects.order_by("pk"), required=False)

    form = styled(Form(data={"group": str(Group.objects.first().pk)}))
    assert isinstance(form.fields["group"].widget, FastSelect)
    with CaptureQueriesContext(connection) as ctx:
        html = str(form["group"])
    assert not [q for q in ctx.captured_queries if "COUNT(" in q["sql"]]  # list() would count the choices first
    assert [selected for _v, selected, _l in options(html)] == [False, True, False, False]
