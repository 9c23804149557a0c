"""Keep the index and the needs' assessments current when records change outside the bulk
importer (which syncs the index itself): an achievement edited or deleted in the admin, an
expert moved to another university, a need created or re-worded. The work is queued after the
transaction commits, so a rolled-back change queues nothing."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from techmayor.needs.models import Need
from techmayor.resources.models import Achievement, Expert

from .models import NeedMatch


def _sync_later(external_ids: list[str]) -> None:
    from .tasks import achievement_sync_task

    if external_ids:
        transaction.on_commit(lambda: achievement_sync_task(external_ids))


@receiver(post_save, sender=Achievement)
@receiver(post_delete, sender=Achievement)
def achievement_changed(sender, instance: Achievement, raw: bool = False, **kwargs) -> None:
    if not raw:
        _sync_later([instance.external_id])


@receiver(m2m_changed, sender=Achievement.experts.through)
def achievement_experts_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # expert.achievements changed: the achievements are in pk_set (or all of the expert's)
        ids = Achievement.objects.filter(pk__in=pk_set) if pk_set else instance.achievements.all()
        _sync_later(list(ids.values_list("external_id", flat=True)))
    else:
        _sync_later([instance.external_id])


@receiver(post_save, sender=Expert)
def expert_changed(sender, instance: Expert, created: bool, raw: bool = False, **kwargs) -> None:
    """An expert's university is part of their achievements' index records."""
    if not raw and not created:
        _sync_later(list(instance.achievements.values_list("external_id", flat=True)))


@receiver(post_save, sender=Need)
def need_saved(sender, instance: Need, raw: bool = False, **kwargs) -> None:
    """Queue an assessment when the need's text differs from the one last assessed (a state
    change does not). Without an index there is nothing to assess against: the build job
    assesses every need."""
    from .services import index_exists, need_text, text_digest
    from .tasks import need_assess_task

    if raw or not index_exists():
        return
    digest = text_digest(need_text(instance.title, instance.description))
    if NeedMatch.objects.filter(need_id=instance.pk, text_digest=digest).exists():
        return
    pk = instance.pk
    transaction.on_commit(lambda: need_assess_task([pk]))
