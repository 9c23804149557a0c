"""The expert library's world: the need-loop world (常州: 溧阳团, 金坛团; 无锡) with the matching
test pool (experts E1… at universities U1…, their 30 results) and an index in a temporary
directory. The member ``member`` serves from a dispatching unit that is university U1."""

from __future__ import annotations

import pytest

from techmayor.library import prospects
from techmayor.matchmaking import services as matching
from techmayor.roster.models import Tenure
from tests.matchmaking.conftest import build_pool
from tests.needs.world import build_world


@pytest.fixture(autouse=True)
def index_dir(tmp_path, settings):
    settings.MATCHING_INDEX_DIR = str(tmp_path / "matching" / "index")
    matching.matcher_forget()
    prospects.pool_forget()
    yield tmp_path / "matching" / "index"
    matching.matcher_forget()
    prospects.pool_forget()


class Lib:
    def __init__(self):
        self.world = build_world()
        self.users = self.world.users
        self.experts, self.universities = build_pool()
        self.u1 = self.universities["U1"]
        self.u2 = self.universities["U2"]
        tenure = Tenure.objects.select_related("dispatch_unit").get(member=self.world.members["member"])
        unit = tenure.dispatch_unit
        unit.university = self.u1
        unit.save()


@pytest.fixture
def lib(db):
    return Lib()


@pytest.fixture
def indexed(lib):
    matching.matching_index_build()
    return lib
