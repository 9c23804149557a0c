"""Requests larger than REQUEST_MAX_BYTES are refused with a Chinese 413 page before their body is read."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings

from techmayor.core.middleware import RequestSizeLimitMiddleware

pytestmark = pytest.mark.django_db


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_a_60_mb_request_is_refused_before_its_body_is_read():
    request = RequestFactory().post("/needs/1/progress/", data=b"", content_type="application/octet-stream")
    request.META.update({"CONTENT_LENGTH": str(60 * 1024 * 1024), "wsgi.input": Unreadable()})
    request._stream = Unreadable()
    middleware = RequestSizeLimitMiddleware(lambda r: r.read())
    response = middleware(request)
    assert response.status_code == 413
    assert "提交的内容过大" in response.content.decode() and "21.0 MB" in response.content.decode()


@override_settings(REQUEST_MAX_BYTES=1000)
def test_the_limit_is_a_setting_and_smaller_requests_pass(client):
    response = client.post("/accounts/login/", {"username": "x", "password": "y" * 2000})
    assert response.status_code == 413
    assert client.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 200


def test_memory_limits_are_set():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= settings.REQUEST_MAX_BYTES
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= settings.REQUEST_MAX_BYTES
