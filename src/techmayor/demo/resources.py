"""The demo's resource pool: the real papers and patents shipped in ``techmayor/data`` attached to
pseudonymous experts at real universities (an expert's profile is their achievements).

Papers are grouped by discipline and patents by their first IPC subclass; each small group of
related achievements becomes one generated expert, so an expert's profile is coherent. Everything
generated is marked ``is_demo``.
"""

from __future__ import annotations

import random
from collections import defaultdict

from techmayor import data
from techmayor.core import audit
from techmayor.core.models import AuditAction
from techmayor.matchmaking.importers import import_corpus
from techmayor.resources.models import Achievement, Expert, University

from . import vocab as V

PAPERS_PER_EXPERT = 8
PATENTS_PER_EXPERT = 20
TITLES = ["教授", "教授", "副教授", "副教授", "研究员", "副研究员", "高级工程师"]


def build_resource_pool(*, seed: int) -> str:
    for path, kind in ((data.PAPERS, "paper"), (data.PATENTS, "patent")):
        import_corpus(path, kind=kind, sync_index=False)
    if Expert.objects.filter(is_demo=True).exists():
        return "资源池：演示专家已存在"
    rng = random.Random(seed)
    universities = list(University.objects.filter(name__in=list(V.UNIVERSITIES), level="本科").order_by("code"))
    groups: dict[tuple[str, str], list[Achievement]] = defaultdict(list)
    pending = Achievement.objects.filter(experts=None).order_by("kind", "external_id")
    for achievement in pending.only("kind", "external_id", "discipline", "category", "ipc"):
        if achievement.kind == "paper":
            groups[("paper", achievement.discipline or achievement.category or "综合")].append(achievement)
        else:
            groups[("patent", (achievement.ipc or ["综合"])[0])].append(achievement)
    names: set[str] = set()
    experts, links = [], []
    placed: dict[int, list[int]] = defaultdict(list)  # university → its achievements
    for (kind, label), items in sorted(groups.items()):
        size = PAPERS_PER_EXPERT if kind == "paper" else PATENTS_PER_EXPERT
        for start in range(0, len(items), size):
            university = rng.choice(universities)
            expert = Expert(
                name=_name(rng, names),
                title=rng.choice(TITLES),
                university=university,
                disciplines=[label],
                bio=f"演示专家（化名），研究方向：{label}。简介由其论文与专利生成。",
                is_demo=True,
            )
            experts.append(expert)
            for achievement in items[start : start + size]:
                placed[university.pk].append(achievement.pk)
                links.append((expert, achievement))
    Expert.objects.bulk_create(experts, batch_size=1000)
    for university_id, ids in placed.items():  # one UPDATE per university, not a CASE per row
        for i in range(0, len(ids), 900):
            Achievement.objects.filter(pk__in=ids[i : i + 900]).update(university_id=university_id)
    through = Achievement.experts.through
    through.objects.bulk_create(
        [through(expert_id=e.pk, achievement_id=a.pk) for e, a in links], batch_size=2000, ignore_conflicts=True
    )
    message = f"资源池：{len(links)} 项成果归属 {len(experts)} 位演示专家（化名），分布于 {len(universities)} 所高校"
    if experts:
        audit.record(action=AuditAction.IMPORT, instance=experts[0], after={"experts": len(experts)}, note=message)
    return message


def _name(rng: random.Random, taken: set[str]) -> str:
    while True:
        pool = V.GIVEN_MALE if rng.random() < 0.7 else V.GIVEN_FEMALE
        name = rng.choice(V.SURNAMES) + rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.6 else "")
        if name not in taken and name not in V.RESERVED_NAMES:
            taken.add(name)
            return name
