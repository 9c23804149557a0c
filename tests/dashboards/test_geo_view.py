"""/dashboard/geo/<name>.json: the shipped gzip bytes sent as they are, as JSON, cached for a year under the
versioned URL the dashboard uses; unknown names are 404 and anonymous readers are sent to login."""

from __future__ import annotations

import gzip
import json

import pytest
from django.urls import reverse

from techmayor.dashboards.geo import geo_path, geo_version
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NAME = "jiang1_su1_chang2_zhou1"
URL = reverse("dashboards:geo", args=[NAME])


@pytest.fixture
def reader(client):
    client.force_login(UserFactory())
    return client


def test_a_city_map_is_its_shipped_gzip_bytes_served_as_json_with_long_cache_headers(reader):
    response = reader.get(URL, {"v": geo_version(NAME)})
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == geo_path(NAME).read_bytes()
    assert response["Content-Type"] == "application/json"
    assert response["Content-Encoding"] == "gzip"
    assert int(response["Content-Length"]) == len(body)
    cache = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache == {"private", "max-age=31536000", "immutable"}
    assert response["ETag"] == f'"{geo_version(NAME)}"'
    names = {f["properties"]["name"] for f in json.loads(gzip.decompress(body))["features"]}
    assert "金坛区" in names and len(names) == 6


def test_a_known_version_is_not_modified_and_head_is_allowed(reader):
    response = reader.get(URL, HTTP_IF_NONE_MATCH=f'"{geo_version(NAME)}"')
    assert response.status_code == 304
    assert reader.head(URL).status_code == 200
    assert reader.post(URL).status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/geo/jiang1_su1_beijing.json",
        "/dashboard/geo/csl_papers.json",
        "/dashboard/geo/..%2F..%2Fdata%2FNOTICE.json",
        "/dashboard/geo/../NOTICE.json",
        "/dashboard/geo/jiang1_su1_chang2_zhou1.geojson.gz",
    ],
)
def test_only_the_shipped_cities_are_served(reader, path):
    assert reader.get(path).status_code == 404


def test_anonymous_readers_are_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login" in response["Location"]
