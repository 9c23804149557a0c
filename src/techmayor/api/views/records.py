"""The API of every record kind in ``core.registry`` (ledger, cooperation, 挂钩服务): list and detail
for every reader in their scope, create and partial update for the kinds users log every day.

Exactly the rules of the record pages (``web.records``): the kind's scoped queryset and FilterSet,
``write_context`` for creating (403 without it), ``can_edit_record`` for changing (403; 404 outside the
read scope), the kind's form (its validation and service) for the write.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers

from techmayor.core.registry import RecordKind, registry
from techmayor.ledger.forms import VisitLogForm
from techmayor.roster.selectors import can_edit_record, require_open_batch, write_context

from ..errors import ErrorSerializer
from ..serializers import FormInput, form_input, id_field, record_serializer
from .base import FormWriteMixin, ReadMixin, ScopedViewSet

# The kinds users log every day take writes through the API; the others are read-only here.
WRITABLE = ("visit", "event", "visitor")

# The API path of a kind: its page prefix, unless that would be ambiguous at the API's root.
PATHS = {"link": "enterprise-links"}

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="读取时得到的 ETag（或 version）；记录已被他人修改时返回 412",
)
GROUP_HELP = "支团 id；只能为一个支团登记时可省略"


def api_path(kind: RecordKind) -> str:
    return PATHS.get(kind.key, kind.prefix.strip("/"))


class KindInput(FormInput):
    def build_form(self, data):
        return self.context["view"].make_form(data)


class VisitNeed(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, help_text="需求标题")
    raw_text = serializers.CharField(max_length=5000, required=False, allow_blank=True, help_text="需求原文")


class VisitCreateInput(KindInput):
    """走访登记: the enterprise (an id, or a new one), the visit, the needs found there (each becomes a lead)."""

    def to_form(self, attrs):
        values = dict(attrs)
        needs = values.pop("needs", [])
        values["need_title"] = [n.get("title", "") for n in needs]
        values["need_text"] = [n.get("raw_text", "") for n in needs]
        return values


class KindViewSet(ReadMixin, ScopedViewSet):
    kind: RecordKind

    def get_queryset(self):
        return self.kind.queryset(user=self.request.user)


class KindWriteViewSet(FormWriteMixin, KindViewSet):
    http_method_names = ["get", "post", "patch", "head", "options"]

    def check_create(self):
        self.ctx = write_context(self.request.user)
        if self.ctx is None:
            raise PermissionDenied(_("你没有登记工作记录的权限"))
        self.editing = None

    def check_update(self, obj):
        require_open_batch(self.request.user, obj.batch)
        if not can_edit_record(self.request.user, obj):
            raise PermissionDenied(_("你不能修改这条记录"))
        self.ctx = write_context(self.request.user, obj.batch)

    def make_form(self, data):
        if self.editing is None and self.kind.custom_create:
            return VisitLogForm(data, ctx=self.ctx, user=self.request.user)
        return self.kind.form(data, ctx=self.ctx, user=self.request.user, instance=self.editing)


def _create_input(kind: RecordKind) -> type:
    name = f"{kind.model.__name__}CreateInput"
    group = id_field(required=False, help_text=GROUP_HELP)
    if kind.custom_create:  # the quick visit log
        extra = {
            "group": group,
            "enterprise": serializers.IntegerField(
                min_value=1, required=False, allow_null=True, help_text="走访企业 id；企业尚未录入时改填 new_name 等"
            ),
            "new_region": serializers.IntegerField(
                min_value=1, required=False, allow_null=True, help_text="新建企业的所在镇（街道）/园区 id"
            ),
            "needs": serializers.ListField(
                child=VisitNeed(), required=False, help_text="走访发现的需求（每条成为线索）"
            ),
        }
        return form_input(VisitLogForm, name, extra_fields=extra, base=VisitCreateInput)
    return form_input(kind.form, name, extra_fields={"group": group}, base=KindInput)


def _update_input(kind: RecordKind) -> type:
    return form_input(kind.form, f"{kind.model.__name__}UpdateInput", base=KindInput, exclude=("group",))


def kind_viewset(kind: RecordKind) -> type:
    """The viewset of ``kind``, with its serializer, FilterSet and (for the writable kinds) inputs."""
    label, name = kind.label, kind.verbose_name
    attrs = {
        "kind": kind,
        "queryset": kind.model.objects.none(),  # for the schema; requests use get_queryset
        "serializer_class": record_serializer(kind.model),
        "filterset_class": kind.filterset,
        "__doc__": f"{label}（{kind.key}）",
    }
    docs = {
        "list": extend_schema(summary=f"{label}列表", description=f"当前用户可查看的{label}，支持与列表页相同的筛选。"),
        "retrieve": extend_schema(summary=f"{name}详情", description="不在查看范围内的记录返回 404。"),
    }
    base: type = KindViewSet
    if kind.key in WRITABLE and kind.form is not None:
        base = KindWriteViewSet
        create_input, update_input = _create_input(kind), _update_input(kind)
        attrs["input_serializer"] = None
        attrs["get_input_serializer_class"] = lambda self: create_input if self.editing is None else update_input
        responses = {400: ErrorSerializer, 403: ErrorSerializer}
        docs["create"] = extend_schema(
            summary=f"登记{name}",
            description="与网页表单相同的校验与权限；无登记权限返回 403。",
            request=create_input,
            responses={201: attrs["serializer_class"], **responses},
        )
        docs["partial_update"] = extend_schema(
            summary=f"修改{name}",
            description="只提交要修改的字段；带 If-Match 时，记录已被他人修改则返回 412。",
            request=update_input,
            parameters=[IF_MATCH],
            responses={200: attrs["serializer_class"], 412: OpenApiResponse(ErrorSerializer), **responses},
        )
    viewset = type(f"{kind.model.__name__}ViewSet", (base,), attrs)
    return extend_schema_view(**docs)(extend_schema(tags=[str(label)])(viewset))


def register(router) -> None:
    for kind in registry.kinds():
        router.register(api_path(kind), kind_viewset(kind), basename=kind.key)
