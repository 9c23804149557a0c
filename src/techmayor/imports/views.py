"""The import pages: upload → preview (with the column mapping the user may correct) → confirm; a large
file is written by a background job with its progress; the import logs with their rollback.

Thin: the rules are in ``services`` and each kind; what the user may import follows their write scope
(a kind they may not import is not offered, and every row is checked again on the server).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from techmayor.accounts.scopes import admin_city_ids
from techmayor.core.errors import ApplicationError
from techmayor.core.files import ImportRejected
from techmayor.core.jobs import job_submit
from techmayor.core.models import Job
from techmayor.roster.selectors import current_batch

from .engine import BAD, CREATE, UNCHANGED, UPDATE, ImportContext, kinds
from .models import ImportLog
from .services import can_rollback, import_preview, import_rollback
from .uploads import SESSION_KEY, run_upload, upload_path, upload_save

BACKGROUND_FROM = 2000  # rows to write from which the import runs as a background job
SHOWN = 200  # rows of each kind listed in the preview


def _ctx(request, allow_similar: bool = False) -> ImportContext:
    return ImportContext(user=request.user, batch=current_batch(request.user), allow_similar=allow_similar)


def importable(request) -> list:
    ctx = _ctx(request)
    out = []
    for kind in kinds.values():
        try:
            if (ctx.batch is not None or not kind.credited) and kind.allowed(ctx):
                out.append(kind)
        except ApplicationError:
            continue
    return out


def _logs(user):
    qs = ImportLog.objects.select_related("created_by", "batch__city")
    if user.is_superuser:
        return qs
    cities = list(admin_city_ids(user))
    return qs.filter(Q(created_by=user) | Q(batch__city__in=cities))


@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    """The upload form and the recent imports the user may see."""
    available = importable(request)
    if not available:
        raise PermissionDenied(_("你没有导入数据的权限"))
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        file = request.FILES.get("file")
        try:
            if kind not in {k.key for k in available}:
                raise ApplicationError(_("请选择导入的数据类型"), field="kind")
            if file is None:
                raise ApplicationError(_("请选择要导入的文件"), field="file")
            token, name = upload_save(file)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("imports:index")
        uploads = request.session.get(SESSION_KEY, {})
        uploads[token] = {"name": name, "kind": kind, "allow_similar": bool(request.POST.get("allow_similar"))}
        request.session[SESSION_KEY] = uploads
        return redirect("imports:preview", token=token)
    context = {
        "kinds": available,
        "logs": _logs(request.user)[:20],
        "batch": current_batch(request.user),
        "jobs": Job.objects.filter(kind=f"import:{request.user.pk}")[:3],
    }
    return render(request, "imports/index.html", context)


def _upload(request, token: str) -> dict:
    upload = request.session.get(SESSION_KEY, {}).get(token)
    if upload is None:
        raise PermissionDenied(_("上传的文件已失效，请重新上传"))
    return upload


def _mapping(request, kind) -> tuple[dict | None, int | None]:
    """The mapping the user set on the preview (``header_row`` and ``map_<field>``), if any."""
    data = request.POST if request.method == "POST" else request.GET
    if not data.get("header_row"):
        return None, None
    try:
        header_row = int(data["header_row"])
        mapping = {f.name: int(data[f"map_{f.name}"]) if data.get(f"map_{f.name}") else None for f in kind.fields}
    except ValueError as exc:
        raise ApplicationError(_("列对应无效"), field="header") from exc
    return mapping, header_row


@login_required
@require_http_methods(["GET", "POST"])
def preview(request, token):
    """What the file would do, row by row; POST confirms (small files now, large ones as a job)."""
    upload = _upload(request, token)
    kind = kinds[upload["kind"]]
    if kind not in importable(request):
        raise PermissionDenied
    ctx = _ctx(request, upload.get("allow_similar", False))
    try:
        mapping, header_row = _mapping(request, kind)
        path = upload_path(token, upload["name"])
        plan = import_preview(
            kind.key, path, ctx=ctx, mapping=mapping, header_row=header_row, file_name=upload["name"], stage=False
        )
    except ApplicationError as exc:
        layout = exc.extra.get("layout")
        context = {"upload": upload, "kind": kind, "error": exc.message, "token": token, **_layout(kind, layout)}
        return render(request, "imports/preview.html", context)
    if request.method == "POST":
        return _confirm(request, token, upload, kind, plan, mapping, header_row)
    counts = plan.counts
    context = {
        "upload": upload,
        "kind": kind,
        "token": token,
        "plan": plan,
        **_layout(kind, plan.layout),
        "counts": counts,
        "creates": plan.of(CREATE)[:SHOWN],
        "updates": plan.of(UPDATE)[:SHOWN],
        "bad": plan.of(BAD),
        "more_errors": plan.error_count - sum(len(p.errors) for p in plan.of(BAD)),
        "warnings": plan.warnings[:500],
        "large": plan.large_count,
        "writes": counts[CREATE] + counts[UPDATE],
        "background": counts[CREATE] + counts[UPDATE] >= BACKGROUND_FROM,
        "unchanged": counts[UNCHANGED],
    }
    return render(request, "imports/preview.html", context)


def _letter(index: int) -> str:
    """A column's letter as Excel shows it: 0 → A, 26 → AA."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _layout(kind, layout) -> dict:
    if layout is None:
        return {"layout": None}
    return {
        "layout": layout,
        "mapped": [(f, layout.columns.get(f.name)) for f in kind.fields],
        "columns": [(i, _letter(i), label) for i, label in enumerate(layout.labels)],
    }


def _confirm(request, token, upload, kind, plan, mapping, header_row):
    skip_bad = bool(request.POST.get("skip_bad"))
    confirm_amounts = bool(request.POST.get("confirm_amounts"))
    if plan.error_count and not skip_bad:
        messages.error(request, _("有错误的行：请改正文件后重新上传，或选择跳过错误的行"))
        return redirect("imports:preview", token=token)
    if plan.large_count and not confirm_amounts:
        messages.error(request, _("有金额超过10亿元的行：请核对，无误请勾选“确认金额无误”后再导入"))
        return redirect("imports:preview", token=token)
    job_args = {
        "token": token,
        "name": upload["name"],
        "kind": kind.key,
        "user_id": request.user.pk,
        "batch_id": getattr(current_batch(request.user), "pk", None),
        "allow_similar": upload.get("allow_similar", False),
        "skip_bad": skip_bad,
        "confirm_amounts": confirm_amounts,
        "mapping": mapping,
        "header_row": header_row,
    }
    uploads = request.session.get(SESSION_KEY, {})
    uploads.pop(token, None)
    request.session[SESSION_KEY] = uploads
    if plan.counts[CREATE] + plan.counts[UPDATE] >= BACKGROUND_FROM:
        from .tasks import import_task

        label = _("导入%(kind)s：%(name)s") % {"kind": kind.label, "name": upload["name"]}
        job = job_submit(
            kind=f"import:{request.user.pk}", label=label[:100], task=import_task, by=request.user, upload=job_args
        )
        messages.success(request, _("已提交后台导入：%(label)s") % {"label": job.label})
        return redirect("imports:index")
    try:
        log = run_upload(job_args)
    except ImportRejected as exc:
        for line in exc.errors[:20]:
            messages.error(request, line)
        return redirect("imports:index")
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("imports:index")
    messages.success(request, _("导入完成：新增 %(c)s，更新 %(u)s，未变 %(n)s，跳过 %(s)s 行") % {
        "c": log.created_count, "u": log.updated_count, "n": log.unchanged_count, "s": log.skipped_count})  # fmt: skip
    return redirect("imports:log", pk=log.pk)


@login_required
@require_GET
def log(request, pk):
    entry = get_object_or_404(_logs(request.user), pk=pk)
    created = [(_model_name(label), len(ids)) for label, ids in (entry.created or {}).items()]
    return render(
        request,
        "imports/log.html",
        {"log": entry, "created": created, "can_rollback": can_rollback(request.user, entry)},
    )


def _model_name(label: str) -> str:
    from django.apps import apps

    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except LookupError:
        return label


@login_required
@require_POST
def rollback(request, pk):
    entry = get_object_or_404(_logs(request.user), pk=pk)
    try:
        import_rollback(log=entry, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已撤销导入 #%(pk)s") % {"pk": entry.pk})
    return redirect("imports:log", pk=entry.pk)


@login_required
@require_GET
def job(request, pk):
    """An import job's progress (an htmx fragment polling itself until the job ends)."""
    entry = get_object_or_404(Job, pk=pk, kind=f"import:{request.user.pk}")
    return render(request, "imports/_job.html", {"job": entry})
