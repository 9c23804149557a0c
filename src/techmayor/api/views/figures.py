"""The scorecard and the dashboard as JSON: the figures of the pages ``/scorecard/`` and ``/dashboard/``
(``scorecard.selectors``, ``dashboards.selectors``), over the groups the reader may see."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from techmayor.accounts.scopes import has_role
from techmayor.core.errors import ApplicationError
from techmayor.dashboards import selectors as dashboards
from techmayor.roster.models import Batch
from techmayor.roster.selectors import current_batch, group_list
from techmayor.scorecard.metrics import SCORECARD_METRICS, Scope
from techmayor.scorecard.selectors import scorecard_rows
from techmayor.scorecard.services import plain_number

from ..errors import ErrorSerializer
from .base import pk_of

BATCH = OpenApiParameter("batch", OpenApiTypes.INT, description="批次 id（默认当前批次）")
GROUP = OpenApiParameter("group", OpenApiTypes.INT, description="只看一个支团（须在查看范围内）")


def _batch(request) -> Batch | None:
    if not request.query_params.get("batch"):
        return current_batch(request.user)
    batch = Batch.objects.select_related("city").filter(pk=pk_of(request.query_params["batch"])).first()
    if batch is None:
        raise Http404(_("没有这个批次"))
    return batch


def _groups(request, readable: list) -> list:
    if not request.query_params.get("group"):
        return readable
    chosen = pk_of(request.query_params["group"])
    groups = [g for g in readable if g.pk == chosen]
    if not groups:
        raise Http404(_("支团不存在，或不在你的查看范围内"))
    return groups


def _date(request, name: str) -> dt.date | None:
    text = request.query_params.get(name)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ApplicationError(_("日期格式应为 YYYY-MM-DD：%(text)s") % {"text": text[:40]}, field=name) from exc


class MetricSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(help_text="指标名称")
    unit = serializers.CharField(help_text="单位")
    rule = serializers.CharField(help_text="计数规则")


class ColumnSerializer(serializers.Serializer):
    group = serializers.IntegerField(allow_null=True, help_text="支团 id；合计为 null")
    name = serializers.CharField(help_text="支团名称或“合计”")
    figures = serializers.DictField(child=serializers.FloatField(), help_text="指标代码 → 数值")


class ScorecardSerializer(serializers.Serializer):
    batch = serializers.IntegerField(allow_null=True, help_text="批次 id；没有可查看的批次时为 null")
    batch_label = serializers.CharField(allow_blank=True)
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)
    metrics = MetricSerializer(many=True)
    columns = ColumnSerializer(many=True)


class ScorecardView(APIView):
    @extend_schema(
        summary="创新成绩单",
        description="批次各项指标（合计与各支团），与成绩单页面相同的范围：只含当前用户可查看的支团，"
        "可查看全部支团时含合计。start/end 限定统计期间。",
        parameters=[
            BATCH,
            GROUP,
            OpenApiParameter("start", OpenApiTypes.DATE, description="统计起始日期（默认批次开始）"),
            OpenApiParameter("end", OpenApiTypes.DATE, description="统计截止日期（默认批次结束）"),
        ],
        responses={200: ScorecardSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
        tags=["成绩单与看板"],
    )
    def get(self, request):
        batch = _batch(request)
        start, end = _date(request, "start"), _date(request, "end")
        if start and end and end < start:
            raise ApplicationError(_("统计截止日期早于起始日期"), field="end")
        metrics = [
            {"code": m.code, "name": str(m.label), "unit": str(m.unit_label), "rule": str(m.rule_label)}
            for m in SCORECARD_METRICS
        ]
        readable = list(group_list(user=request.user, batch=batch)) if batch else []
        groups = _groups(request, readable)
        if batch is None or not groups:
            body = {"batch": None, "batch_label": "", "start": None, "end": None, "metrics": metrics, "columns": []}
            return Response(body)
        show_total = len(groups) == batch.groups.count()
        rows = scorecard_rows(batch=batch, groups=groups, show_total=show_total, period=(start, end))
        heads = [(None, _("合计"))] if show_total else []
        heads += [(g.pk, g.name) for g in groups]
        columns = [
            {
                "group": pk,
                "name": str(name),
                "figures": {r["metric"].code: plain_number(r["cells"][i]["number"]) for r in rows},
            }
            for i, (pk, name) in enumerate(heads)
        ]
        period = Scope(batch=batch, start=start, end=end).period
        return Response(
            {
                "batch": batch.pk,
                "batch_label": str(batch),
                "start": period[0].isoformat(),
                "end": period[1].isoformat(),
                "metrics": metrics,
                "columns": columns,
            }
        )


class DashboardSerializer(serializers.Serializer):
    batch = serializers.IntegerField(help_text="批次 id")
    batch_label = serializers.CharField()
    groups = serializers.ListField(child=serializers.DictField(), help_text="图中的支团")
    trend = serializers.DictField(help_text="逐月走势")
    funnels = serializers.DictField(help_text="需求漏斗与合作漏斗")
    compare = serializers.DictField(required=False, help_text="支团对比（市、区、团长可见）")
    map = serializers.DictField(required=False, allow_null=True, help_text="辖市区地图数据")


class DashboardView(APIView):
    @extend_schema(
        summary="看板数据",
        description="看板页面的全部数据：逐月走势、需求与合作漏斗，以及（市、区、团长可见的）支团对比与地图。"
        "没有可查看的支团时返回 403。",
        parameters=[BATCH, GROUP],
        responses={200: DashboardSerializer, 403: ErrorSerializer, 404: ErrorSerializer},
        tags=["成绩单与看板"],
    )
    def get(self, request):
        user = request.user
        batch = _batch(request)
        readable = list(group_list(user=user, batch=batch)) if batch else []
        if not readable:
            raise PermissionDenied(_("你没有可查看的支团看板"))
        groups = _groups(request, readable)
        whole_batch = len(readable) == batch.groups.count() and not request.query_params.get("group")
        data = dashboards.dashboard(
            batch=batch, groups=groups, whole_batch=whole_batch, full=has_role(user, *dashboards.FULL_VIEW_ROLES)
        )
        return Response({**data, "batch": batch.pk, "batch_label": str(batch)})
