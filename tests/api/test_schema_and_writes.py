"""The OpenAPI schema (valid OpenAPI 3, Chinese summaries, the docs page served locally) and the
writes' validation: the form's Chinese messages with the field, 400; nothing half written; versions."""

import pytest
import yaml
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from techmayor.enterprises.models import Enterprise
from techmayor.ledger.models import Visit
from techmayor.needs.models import Lead

pytestmark = pytest.mark.django_db


def test_the_schema_is_valid_openapi_3_with_chinese_summaries(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)  # raises on any violation of the OpenAPI 3 JSON schema
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in ("/api/v1/visits/", "/api/v1/needs/{id}/transition/", "/api/v1/scorecard/", "/api/v1/dashboard/"):
        assert path in paths
    assert paths["/api/v1/visits/"]["get"]["summary"] == "走访企业列表"
    assert paths["/api/v1/visits/{id}/"]["patch"]["responses"]["412"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_the_docs_page_loads_swagger_ui_from_our_static_files(client):
    html = client.get("/api/docs/").content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "<script>" not in html  # no inline script (CSP)
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "/api/schema/" in script.content.decode()


def test_a_bad_write_is_a_400_with_the_forms_chinese_message_and_nothing_written(world, api):
    client = api(world.users.m_ly)
    response = client.post("/api/v1/visits/", {"date": "2019-01-01", "enterprise": world.e_ly.pk})
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "date" and "不在" in body["detail"], body
    # A visit with a new enterprise and a need: all or nothing when the need is bad.
    before = (Visit.objects.count(), Enterprise.objects.count(), Lead.objects.count())
    response = client.post(
        "/api/v1/visits/",
        {"date": "2021-09-05", "new_name": "全新的企业有限公司", "needs": [{"title": "x" * 300}]},
    )
    assert response.status_code == 400
    assert (Visit.objects.count(), Enterprise.objects.count(), Lead.objects.count()) == before
    response = client.post(
        "/api/v1/visits/",
        {
            "date": "2021-09-05",
            "new_name": "全新的企业有限公司",
            "needs": [{"title": "低温电池", "raw_text": "需要测试"}],
        },
    )
    assert response.status_code == 201, response.json()
    visit = Visit.objects.get(pk=response.json()["id"])
    assert visit.enterprise.name == "全新的企业有限公司"
    assert visit.leads.get().title == "低温电池"


def test_type_errors_and_unknown_references_are_400s(world, api):
    client = api(world.users.admin)
    assert client.post("/api/v1/events/", {"kind": "nope", "title": "x", "date": "2021-09-05"}).status_code == 400
    response = client.post("/api/v1/events/", {"kind": "matchmaking", "title": "x", "date": "x", "group": 999999})
    assert response.status_code == 400 and set(response.json()["errors"]) >= {"date"}
    assert client.post("/api/v1/events/", "not json", content_type="application/json").status_code == 400
    assert client.get("/api/v1/visits/?date_from=notadate").status_code == 400
    assert client.get("/api/v1/visits/999999999999999999999/").status_code == 404
    assert client.get("/api/v1/scorecard/?start=2022-01-01&end=2021-01-01").json()["field"] == "end"


def test_counts_are_checked_as_the_form_checks_them(world, api):
    client = api(world.users.admin)
    body = {"kind": "expert", "visitor_name": "张教授", "date": "2021-09-05", "group": world.liyang.pk}
    assert client.post("/api/v1/visitors/", {**body, "person_count": 0}).json()["field"] == "person_count"


def test_an_enterprise_that_looks_like_another_needs_confirming(world, api):
    client = api(world.users.admin)
    body = {"name": world.e_ly.name, "region": world.town_ly.pk}
    response = client.post("/api/v1/enterprises/", body)
    assert response.status_code == 400 and "重复" in response.json()["detail"]
    assert client.post("/api/v1/enterprises/", {**body, "confirm_new": True}).status_code == 201


def test_an_update_honours_if_match_and_returns_the_new_version(world, api):
    client = api(world.users.gl_ly)
    url = f"/api/v1/events/{world.ly['event'].pk}/"
    etag = client.get(url)["ETag"]
    assert client.patch(url, {"title": "改名"}, HTTP_IF_MATCH='"stale"').status_code == 412
    response = client.patch(url, {"title": "改名"}, HTTP_IF_MATCH=etag)
    assert response.status_code == 200 and response.json()["title"] == "改名"
    assert response["ETag"] != etag
    assert response.json()["kind"] == world.ly["event"].kind  # the fields not sent stay as they were
    assert client.patch(url, {"title": "再改"}, HTTP_IF_MATCH=etag).status_code == 412


def test_pages_and_filters(world, api):
    client = api(world.users.admin)
    page = client.get("/api/v1/visits/?page_size=1").json()
    assert page["count"] == 2 and len(page["results"]) == 1 and page["next"]
    assert client.get("/api/v1/visits/?page=99").status_code == 404
    only = client.get(f"/api/v1/visits/?group={world.jintan.pk}").json()["results"]
    assert [v["id"] for v in only] == [world.jt["visit"].pk]


def test_no_session_no_token_no_data():
    assert APIClient().get("/api/v1/scorecard/").status_code == 401
