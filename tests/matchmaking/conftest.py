"""Fixtures for the matching layer: the matching core's small corpus put into the database, with
real Expert and University rows, and an index built into a temporary directory."""

from __future__ import annotations

import pytest

from techmayor.matchmaking import services
from techmayor.resources.models import Achievement, Expert
from tests.factories import UniversityFactory
from tests.matching.conftest import DOCS, QUERIES

__all__ = ["QUERIES"]


@pytest.fixture(autouse=True)
def index_dir(tmp_path, settings):
    """Indexes go to a temporary directory."""
    settings.MATCHING_INDEX_DIR = str(tmp_path / "matching" / "index")
    services.matcher_forget()
    yield tmp_path / "matching" / "index"
    services.matcher_forget()


def build_pool(university="测试大学{}", expert="专家{}"):
    """The 30 achievements of the core's test corpus; experts E1… and universities U1… become
    Expert and University rows named by the templates. Returns ``(experts, universities)`` keyed by
    the corpus's labels."""
    universities: dict[str, object] = {}
    experts: dict[str, Expert] = {}
    for ext, kind, title, abstract, kw, cat, disc, ipc, person, uni in DOCS:
        if uni not in universities:
            universities[uni] = UniversityFactory(name=university.format(uni))
        if person not in experts:
            experts[person] = Expert.objects.create(
                name=expert.format(person), university=universities[uni], is_demo=True
            )
        a = Achievement.objects.create(
            kind=kind,
            external_id=ext,
            title=title,
            abstract=abstract,
            keywords=kw,
            category=cat,
            discipline=disc,
            ipc=ipc,
            university=universities[uni],
            is_demo=True,
        )
        a.experts.add(experts[person])
    return experts, universities


@pytest.fixture
def pool(db):
    """The core's test corpus as Achievement, Expert and University rows (``build_pool``)."""
    return build_pool()


def write_queries(path, queries=QUERIES) -> str:
    path.write_text("qid\tneed\n" + "".join(f"{q}\t{t}\n" for q, t, _ in queries), encoding="utf-8")
    return str(path)


def write_qrels(path, queries=QUERIES) -> str:
    path.write_text("".join(f"{q} 0 {doc} 2\n" for q, _, doc in queries), encoding="utf-8")
    return str(path)
