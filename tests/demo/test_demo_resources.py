import pytest

from techmayor import data
from techmayor.demo.resources import build_resource_pool
from techmayor.resources.importers import import_universities
from techmayor.resources.models import Achievement, Expert

pytestmark = pytest.mark.django_db


def test_real_achievements_are_attached_to_pseudonymous_experts():
    import_universities(data.UNIVERSITIES)
    message = build_resource_pool(seed=14)
    assert Achievement.objects.count() == 2000 + 9740
    assert not Achievement.objects.filter(experts=None).exists()
    assert Achievement.objects.filter(experts__isnull=False).distinct().count() == Achievement.objects.count()
    experts = Expert.objects.all()
    assert experts.exists() and not experts.filter(is_demo=False).exists()
    assert not experts.filter(university=None).exists()
    # An expert's profile is coherent: one discipline (papers) or one IPC subclass (patents).
    for expert in experts.prefetch_related("achievements")[:50]:
        labels = {a.discipline or a.category if a.kind == "paper" else a.ipc[0] for a in expert.achievements.all()}
        assert labels == set(expert.disciplines)
        assert all(a.university_id == expert.university_id for a in expert.achievements.all())
    assert "演示专家" in message
    assert build_resource_pool(seed=14) == "资源池：演示专家已存在"
