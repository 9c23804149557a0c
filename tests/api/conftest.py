"""API tests: the web tests' world (two groups, a user for every role, one record of every kind for each
group) and clients that call the API with a personal token, as a script would."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from techmayor.accounts.services import api_token_create
from tests.web.conftest import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def api():
    """``api(user)``: a client sending ``Authorization: Bearer <a new token of user>``."""

    def _client(user):
        _record, token = api_token_create(user=user, name="测试")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return _client
