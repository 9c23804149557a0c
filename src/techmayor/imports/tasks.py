"""The background job of a large import (huey; found by ``huey.contrib.djhuey``'s autodiscovery)."""

from __future__ import annotations

from django.utils.translation import gettext
from huey.contrib.djhuey import db_task

from techmayor.core.jobs import job_run


@db_task()
def import_task(job_id: int, upload: dict) -> None:
    """Preview, then write an uploaded file as the user who confirmed it (a job with progress)."""
    from .uploads import run_upload

    with job_run(job_id) as progress:
        if progress is None:
            return
        log = run_upload(upload, progress=progress)
        progress.stage(
            gettext("导入记录 #%(pk)s：新增 %(created)s，更新 %(updated)s，未变 %(unchanged)s，跳过 %(skipped)s 行")
            % {
                "pk": log.pk,
                "created": log.created_count,
                "updated": log.updated_count,
                "unchanged": log.unchanged_count,
                "skipped": log.skipped_count,
            }
        )
