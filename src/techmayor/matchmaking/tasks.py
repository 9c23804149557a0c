"""Background tasks of the matching layer (huey; found by ``huey.contrib.djhuey``'s autodiscovery).

Each is idempotent: running one twice leaves the same index and the same assessments.
"""

from __future__ import annotations

from django.utils.translation import gettext
from huey.contrib.djhuey import db_task

from techmayor.core.jobs import job_run
from techmayor.resources.models import Achievement

from . import services


@db_task()
def index_build_task(job_id: int) -> None:
    """Rebuild the index from the database, then assess every need against it (a job)."""
    from techmayor.needs.models import Need

    with job_run(job_id) as progress:
        if progress is None:
            return
        progress.stage(gettext("正在建立匹配索引"))
        progress.total(Achievement.objects.count())
        matcher = services.matching_index_build(progress=progress)
        progress.stage(gettext("正在评估各项需求的匹配情况"))
        progress.total(Need.objects.count())
        assessed = services.need_assessments_refresh(force=True, progress=progress)
        done = gettext("索引已建立：%(achievements)s 条成果；已评估 %(needs)s 项需求")
        progress.stage(done % {"achievements": len(matcher.index), "needs": assessed})


@db_task()
def corpus_import_task(job_id: int, path: str, achievement_kind: str, skip_bad: bool, user_id: int | None) -> None:
    """Import a corpus file (a job): the card shows each pass's progress, then the summary."""
    from django.contrib.auth import get_user_model

    from techmayor.core.audit import audit_source
    from techmayor.core.errors import ApplicationError
    from techmayor.core.files import ImportRejected

    from .importers import import_corpus

    with job_run(job_id) as progress:
        if progress is None:
            return
        user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
        try:
            with audit_source("import"):
                result = import_corpus(
                    path, kind=achievement_kind, skip_bad=skip_bad, by=user, progress=False, report=progress
                )
        except ImportRejected as exc:  # the first errors on the card, the count in the message
            raise ApplicationError(f"{exc.message}：{'；'.join(exc.errors[:5])}") from exc
        done = gettext("导入完成：新增 %(created)s 条，更新 %(updated)s 条，未变 %(unchanged)s 条，跳过 %(skipped)s 行")
        progress.stage(
            done
            % {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "skipped": result.skipped,
            }
        )


@db_task()
def achievement_sync_task(external_ids: list[str]) -> None:
    """Bring the index in line with these achievements (created, changed or deleted)."""
    services.achievement_index_sync(external_ids)


@db_task()
def need_assess_task(need_ids: list[int]) -> None:
    """Assess these needs again (skipped when their text has not changed)."""
    services.need_assessments_refresh(need_ids)
