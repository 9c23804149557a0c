"""A result's stage (成熟度: 实验室/小试, 中试, 产业化 — TRL 1–4, 5–6, 7–9; blank is unknown): kept by
the services, set in the form, imported with a 第N行 error for a bad value, shown on the result's
page, and a filter of the library's result list, its export and the 成果推介 planner's search."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from techmayor.core.errors import ApplicationError
from techmayor.resources.choices import parse_stage
from techmayor.resources.models import Achievement
from techmayor.resources.services import achievement_create, achievement_update
from tests.imports.conftest import csv_file
from tests.library.test_imports import run


@pytest.mark.parametrize(
    "text, stage",
    [
        ("中试", "pilot"),
        ("实验室/小试", "lab"),
        ("小试", "lab"),
        ("量产", "industry"),
        ("industry", "industry"),
        ("TRL 4", "lab"),
        ("TRL5", "pilot"),
        ("6级", "pilot"),
        ("技术就绪度7级", "industry"),
        ("9", "industry"),
        ("", ""),
    ],
)
def test_stages_are_read_by_label_synonym_or_trl_level(text, stage):
    assert parse_stage(text) == stage


@pytest.mark.parametrize("text", ["半成品", "TRL10", "0", "中试？"])
def test_anything_else_is_refused_with_what_may_be_written(text):
    with pytest.raises(ValueError, match="不是有效的成熟度：请填写 实验室/小试、中试、产业化，或技术就绪度 1–9 级"):
        parse_stage(text)


@pytest.mark.django_db
def test_the_services_keep_a_stage_and_unknown_stays_blank(lib):
    result = achievement_create(kind="offer", title="高镍正极中试工艺", stage="pilot", experts=[lib.experts["E1"]])
    assert result.stage == "pilot"
    achievement_update(achievement=result, stage="")
    assert Achievement.objects.get(pk=result.pk).stage == ""
    with pytest.raises(ApplicationError) as err:
        achievement_update(achievement=result, stage="mass")
    assert err.value.field == "stage" and "成熟度" in err.value.message
    assert achievement_create(kind="paper", title="无阶段的论文").stage == ""


@pytest.mark.django_db
def test_the_stage_is_imported_and_a_bad_value_names_its_row(lib, tmp_path):
    e1 = lib.experts["E1"]
    rows = [
        ["成果名称", "专家", "技术成熟度"],
        ["甲成果", e1.name, "中试"],
        ["乙成果", e1.name, "TRL8"],
        ["丙成果", e1.name, ""],
        ["丁成果", e1.name, "半成品"],
    ]
    preview, _ = run("results", csv_file(tmp_path / "r.csv", rows), lib.users["admin"], skip_bad=True)
    assert preview.errors == [
        "第5行: 成熟度: 「半成品」不是有效的成熟度：请填写 实验室/小试、中试、产业化，或技术就绪度 1–9 级"
    ]
    stages = dict(Achievement.objects.filter(title__in=["甲成果", "乙成果", "丙成果"]).values_list("title", "stage"))
    assert stages == {"甲成果": "pilot", "乙成果": "industry", "丙成果": ""}
    assert not Achievement.objects.filter(title="丁成果").exists()
    rows = [rows[0], ["丙成果", e1.name, "产业化"]]  # a later file gives the stage
    again, _ = run("results", csv_file(tmp_path / "r2.csv", rows), lib.users["admin"])
    assert again.counts["update"] == 1 and Achievement.objects.get(title="丙成果").stage == "industry"


@pytest.mark.django_db
def test_the_stage_is_edited_in_the_form_and_shown_on_the_page(client, lib):
    battery = Achievement.objects.get(external_id="p-battery")
    client.force_login(lib.users["member"])  # E1's results are their unit's (U1)
    url = reverse("library:achievement_edit", args=[battery.pk])
    form = client.get(url).content.decode()
    assert 'name="stage"' in form and "未知" in form
    data = {"kind": battery.kind, "title": battery.title, "stage": "pilot", "experts": [lib.experts["E1"].pk]}
    assert client.post(url, data).status_code == 302
    page = client.get(reverse("library:achievement_detail", args=[battery.pk])).content.decode()
    assert '<dd class="col-8" id="stage">中试</dd>' in page
    response = client.post(url, {**data, "stage": "mass"})
    assert response.status_code == 200 and Achievement.objects.get(pk=battery.pk).stage == "pilot"


@pytest.mark.django_db
def test_the_result_list_and_its_export_filter_by_stage(client, lib):
    Achievement.objects.filter(external_id="p-battery").update(stage="pilot")
    Achievement.objects.filter(external_id="c-1").update(stage="industry")
    Achievement.objects.filter(external_id="c-2").update(stage="lab")
    client.force_login(lib.users["town"])  # every role reads the library
    url = reverse("library:achievement_list")
    everything = client.get(url).context["page"].paginator.count
    assert everything == Achievement.objects.count()
    rows = client.get(url, {"stage": ["pilot", "industry"]}).context["rows"]
    assert sorted(r["obj"].external_id for r in rows) == ["c-1", "p-battery"]
    unknown = client.get(url, {"stage": "unknown"}).context["page"].paginator.count
    assert unknown == everything - 3
    assert client.get(url, {"stage": "nonsense"}).status_code == 200
    export = client.get(reverse("library:achievement_export"), {"stage": "pilot"})
    sheet = list(openpyxl.load_workbook(io.BytesIO(export.content)).active.values)
    header = next(r for r in sheet if r and "成熟度" in r)
    stage_col = header.index("成熟度")
    assert [r[stage_col] for r in sheet[sheet.index(header) + 1 :] if r[0]] == ["中试"]


@pytest.mark.django_db
def test_the_planner_searches_only_results_at_the_stages_ticked(client, lib):
    Achievement.objects.filter(external_id="p-battery").update(stage="pilot")
    client.force_login(lib.users["admin"])
    url = reverse("library:planner")
    everything = client.get(url, {"q": "电池"}).context["found"]
    assert len(everything) > 1
    found = client.get(url, {"q": "电池", "stage": ["pilot", "industry"]}).context["found"]
    assert [a.external_id for a in found] == ["p-battery"]
    page = client.get(url, {"stage": "pilot"}).content.decode()  # a stage alone lists its results
    assert 'data-stage="pilot"' in page and 'id="stage-filter"' in page
