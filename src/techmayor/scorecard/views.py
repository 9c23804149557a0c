"""Scorecard pages: the batch's figures by group, and the drill-down from any figure to its records."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from techmayor.accounts.scopes import PROVINCE_ROLES, administers, has_role, reads_whole_city
from techmayor.core.audit import record_read
from techmayor.core.documents import FORMATS, Document
from techmayor.core.errors import ApplicationError
from techmayor.core.exports import download
from techmayor.core.lists import PAGE_SIZES, paginate
from techmayor.core.models import AuditAction
from techmayor.core.registry import Column, build_row, registry, safe_reverse
from techmayor.roster.models import Batch
from techmayor.roster.selectors import current_batch, group_get, group_list, member_get, reference_day

from . import exports, ledger
from .briefing import briefing, briefing_end
from .metrics import FUNNEL_METRICS, METRICS, Scope
from .selectors import Period, drill_records, figure, month_of, scorecard_rows


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _scope_from(request) -> Scope:
    """The scope named by ?batch=&group=&member=&start=&end=, each part checked against the reader's rights.

    The batch must be one with a group the reader may see. A batch-wide figure (no group, no member) is
    only for readers who see every group of the batch; a reader who sees one group gets that group's,
    anyone else a 404: a figure is never shown for more than the reader may see.
    """
    user = request.user
    group = member = None
    if request.GET.get("group"):
        group = group_get(user=user, pk=_int(request.GET["group"]))
        if group is None:
            raise Http404(_("支团不存在，或不在你的查看范围内"))
    if request.GET.get("member"):
        member = member_get(user=user, pk=_int(request.GET["member"]))
        if member is None:
            raise Http404(_("团员不存在，或不在你的查看范围内"))
    batch = None
    if request.GET.get("batch"):
        batch = Batch.objects.select_related("city").filter(pk=_int(request.GET["batch"])).first()
    batch = batch or (group.batch if group is not None else current_batch(user))
    if batch is None or (group is not None and group.batch_id != batch.pk):
        raise Http404(_("没有可查看的批次"))
    visible = list(group_list(user=user, batch=batch))
    if not visible and member is None:
        raise Http404(_("没有可查看的批次"))
    if group is None and member is None and len(visible) < batch.groups.count():
        if len(visible) != 1:
            raise Http404(_("请选择一个你可查看的支团"))
        group = visible[0]
    return Scope(
        batch=batch,
        group=group,
        member=member,
        start=_date(request.GET.get("start")),
        end=_date(request.GET.get("end")),
    )


def _int(text) -> int:
    try:
        return int(text)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


def _simple_columns(model) -> list[Column]:
    label = model._meta.label
    if label == "resources.University":
        return [
            Column(_("高校"), lambda u: u.name, role="title"),
            Column(_("所在地"), lambda u: u.location, role="meta"),
        ]
    if label == "cooperation.AgreementReceipt":
        return [
            Column(_("到账日期"), lambda r: r.date, role="meta"),
            Column(_("协议"), lambda r: r.agreement.title, role="title"),
            Column(_("到账金额(万元)"), lambda r: r.amount_wan, role="meta", number=True),
            Column(_("支团"), lambda r: r.agreement.group.name),
        ]
    if label == "needs.OutcomeRound":
        return [
            Column(_("日期"), lambda r: r.date, role="meta"),
            Column(_("需求"), lambda r: r.need.title, role="title"),
            Column(_("新增签约(万元)"), lambda r: r.signed_amount_wan, number=True),
            Column(_("新增到账(万元)"), lambda r: r.received_amount_wan, number=True),
            Column(_("支团"), lambda r: r.need.group.name, role="meta"),
        ]
    return [  # needs.Need and anything else credited
        Column(_("日期"), lambda r: r.date, role="meta"),
        Column(_("名称"), lambda r: str(r), role="title"),
        Column(_("状态"), lambda r: r.get_state_display() if hasattr(r, "get_state_display") else "", role="meta"),
        Column(_("支团"), lambda r: r.group.name if hasattr(r, "group") else ""),
    ]


def _simple_related(queryset):
    label = queryset.model._meta.label
    if label == "cooperation.AgreementReceipt":
        return queryset.select_related("agreement__group")
    if label == "needs.OutcomeRound":
        return queryset.select_related("need__group")
    if label == "needs.Need":
        return queryset.select_related("group")
    return queryset


def _simple_url(obj) -> str | None:
    label = obj._meta.label
    if label == "needs.Need":
        return safe_reverse("needs:need_detail", obj.pk)
    if label == "needs.OutcomeRound":
        return safe_reverse("needs:need_detail", obj.need_id)
    if label == "cooperation.AgreementReceipt":
        return safe_reverse("cooperation:agreement_detail", obj.agreement_id)
    return None


def _drill_records(request, code):
    """The figure named by ``code`` over the requested scope and the records behind it the reader may
    read: (metric, scope, records, columns, url of a record, how many records in all)."""
    metric = METRICS.get(code)
    if metric is None or metric in FUNNEL_METRICS:  # the funnels' cells are read by code, never shown
        raise Http404(_("没有这个指标"))
    scope = _scope_from(request)
    visible, total = drill_records(metric, scope, request.user)
    kind = registry.for_model(visible.model)
    if kind is not None:
        queryset = kind.queryset(user=request.user).filter(pk__in=visible.values("pk"))
        return metric, scope, queryset, kind.columns, kind.detail_url, total
    records = _simple_related(visible).order_by(*visible.query.order_by or ["-pk"])
    return metric, scope, records, _simple_columns(visible.model), _simple_url, total


@login_required
@require_GET
def drill(request, code):
    """The records behind one figure (``metrics.records``), limited to those the reader may read."""
    metric, scope, records, columns, url, total = _drill_records(request, code)
    page = paginate(request, records, exact=True)  # compared with the figure's total
    start, end = scope.period
    context = {
        "metric": metric,
        "figure": figure(metric, scope),
        "scope": scope,
        "start": start,
        "end": end,
        "page": page,
        "rows": [build_row(columns, obj, url(obj)) for obj in page],
        "headers": [c for c in columns if c.in_list],
        "total": total,
        "hidden": total - page.paginator.count,
        "page_sizes": PAGE_SIZES,
        "export_query": request.GET.urlencode(),
    }
    return render(request, "scorecard/drill.html", context)


@login_required
@require_GET
def drill_export(request, code):
    """The drill-down as .xlsx: every record behind the figure that the reader may read."""
    metric, scope, records, columns, _url, total = _drill_records(request, code)
    shown = records.count()
    sheet = exports.drill_sheet(
        metric=metric, scope=scope, columns=columns, records=records.iterator(chunk_size=500), total=total, shown=shown
    )
    return download(metric.name, [sheet], request=request)


def _readers_groups(request) -> tuple[Batch | None, list]:
    """The batch asked for (?batch=, else the reader's current one) and the groups of it the reader may see."""
    batch = current_batch(request.user)
    if request.GET.get("batch"):
        batch = Batch.objects.select_related("city").filter(pk=_int(request.GET["batch"])).first() or batch
    return batch, list(group_list(user=request.user, batch=batch)) if batch else []


def _periods(request, batch) -> tuple[Period, Period | None]:
    """The period shown (?start=&end=) and the one compared with (?compare_start=&compare_end=), or with
    ?compare=month this month (the batch's "today") against the month before."""
    if request.GET.get("compare") == "month":
        start, end = month_of(reference_day(batch))
        return (start, end), month_of(start - dt.timedelta(days=1))
    period = (_date(request.GET.get("start")), _date(request.GET.get("end")))
    compare = (_date(request.GET.get("compare_start")), _date(request.GET.get("compare_end")))
    return period, compare if any(compare) else None


def _scorecard(request) -> dict:
    batch, groups = _readers_groups(request)
    if batch is None or not groups:
        return {"batch": batch, "groups": [], "rows": []}
    period, compare = _periods(request, batch)
    show_total = len(groups) == batch.groups.count()
    rows = scorecard_rows(batch=batch, groups=groups, show_total=show_total, period=period, compare=compare)
    start, end = Scope(batch=batch, start=period[0], end=period[1]).period
    context = {"batch": batch, "groups": groups, "show_total": show_total, "rows": rows, "start": start, "end": end}
    context.update(period=period, compare=compare)
    if compare is not None:
        context["compare_start"], context["compare_end"] = Scope(batch=batch, start=compare[0], end=compare[1]).period
    return context


@login_required
@require_GET
def overview(request):
    """创新成绩单: every figure of the batch for each group the reader may see (and the total for city readers),
    optionally against another period."""
    context = _scorecard(request)
    if context["rows"]:
        batch = context["batch"]
        context.update(
            members=batch.tenures.count(),
            ledger_month=f"{reference_day(batch):%Y-%m}",
            export_query=request.GET.urlencode(),
            can_compare=reads_whole_city(request.user, batch.city_id),
            can_see_province=request.user.is_superuser or has_role(request.user, *PROVINCE_ROLES),
        )
    return render(request, "scorecard/overview.html", context)


def _may_edit_briefing(user, batch) -> bool:
    """City administrators of the batch's city edit the briefing; other readers see and download the draft."""
    return administers(user, batch.city_id)


def _document_response(request, document: Document, fmt: str) -> HttpResponse:
    content_type, write = FORMATS[fmt]
    response = HttpResponse(write(document), content_type=content_type)
    name = f"{document.title}.{fmt}"
    record_read(request=request, action=AuditAction.EXPORT, object_repr=name)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def briefing_view(request):
    """工作简报: the draft written from the scorecard, each figure linked to its records; administrators
    edit the text and download it as .docx, .pdf or .md. A batch-wide briefing needs every group in
    the reader's scope; others get their group's (``?group=``, 404 outside their scope)."""
    batch = current_batch(request.user)
    if request.GET.get("batch"):
        batch = Batch.objects.select_related("city").filter(pk=_int(request.GET["batch"])).first()
    groups = list(group_list(user=request.user, batch=batch)) if batch else []
    if not groups:
        raise Http404(_("没有可查看的批次或支团"))
    group = None
    if request.GET.get("group"):
        group = next((g for g in groups if g.pk == _int(request.GET["group"])), None)
        if group is None:
            raise Http404(_("支团不存在，或不在你的查看范围内"))
    elif len(groups) < batch.groups.count():
        group = groups[0]
    may_edit = _may_edit_briefing(request.user, batch)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied(_("只有市级管理员可以修改简报"))
    error = ""
    try:
        until = _date(request.GET.get("until"))
        briefing_end(batch, until)  # a wrong date is told in the reader's language
        # The briefing is a Chinese document (GB/T 9704 style), whatever the reader's language.
        with translation.override(settings.LANGUAGE_CODE):
            draft = briefing(batch=batch, until=until, group=group)
            markdown = draft.document().markdown()
    except ApplicationError as exc:
        draft, markdown, error = None, "", exc.message
    text = request.POST.get("text", "")
    fmt = request.POST.get("format") or request.GET.get("format")
    if draft is not None and fmt in FORMATS:
        try:
            document = Document.from_markdown(text) if request.method == "POST" else draft.document()
            return _document_response(request, document, fmt)
        except ApplicationError as exc:
            error = exc.message
    context = {
        "batch": batch,
        "groups": groups,
        "group": group,
        "whole_batch": len(groups) == batch.groups.count(),
        "draft": draft,
        "text": text or markdown,
        "may_edit": may_edit,
        "error": error,
        "formats": sorted(FORMATS),
        "until": request.GET.get("until", ""),
    }
    return render(request, "scorecard/briefing.html", context, status=400 if error else 200)


@login_required
@require_GET
def overview_export(request):
    """The scorecard page (with its comparison, if any) as .xlsx."""
    context = _scorecard(request)
    if not context["rows"]:
        raise PermissionDenied(_("你没有可查看的支团"))
    keys = ("batch", "groups", "show_total", "rows", "period", "compare")
    sheet = exports.scorecard_sheet(**{k: context[k] for k in keys})
    return download(_("创新成绩单"), [sheet], request=request)


@login_required
@require_GET
def ledger_workbook(request):
    """The monthly ledger (月度台账) of what the scorecard page shows the reader: ?month=YYYY-MM[&group=id].

    City readers get every group with the totals; others the groups they may see (one group with
    ?group=). The figures are the groups'; the record sheets hold the records the reader may read.
    """
    batch, groups = _readers_groups(request)
    if batch is None or not groups:
        raise PermissionDenied(_("你没有可查看的支团"))
    if request.GET.get("group"):
        groups = [g for g in groups if g.pk == _int(request.GET["group"])]
        if not groups:
            raise Http404(_("支团不存在，或不在你的查看范围内"))
    text = request.GET.get("month") or f"{reference_day(batch):%Y-%m}"
    try:
        book = ledger.ledger_for(batch=batch, month=ledger.parse_month(text), groups=groups, user=request.user)
    except ApplicationError as err:
        messages.error(request, err.message)
        return redirect("scorecard:overview")
    return download(ledger.ledger_filename(book), ledger.ledger_sheets(book), request=request)
