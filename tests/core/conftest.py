"""The web tests' world (two groups, a user per role, a record of every kind) for core tests through pages."""

from tests.web.conftest import login, world  # noqa: F401
