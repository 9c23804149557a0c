"""The background job of a large import (huey; found by ``huey.contrib.djhuey``'s autodiscovery)."""

from __future__ import annotations

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
            f"导入记录 #{log.pk}：新增 {log.created_count}，更新 {log.updated_count}，"
            f"未变 {log.unchanged_count}，跳过 {log.skipped_count} 行"
        )
