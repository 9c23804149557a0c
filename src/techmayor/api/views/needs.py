"""The need loop in the API: needs and leads in the reader's scope (``needs.selectors``), the need's
corrections, its state changes, progress and completion, new leads and their rejection — each with
the permission check of the pages (``needs.permissions``: 403; 404 outside the scope), the page's form
and the same service."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from techmayor.core.audit import audit_source
from techmayor.needs import permissions as perms
from techmayor.needs import selectors, services
from techmayor.needs.choices import NeedAction
from techmayor.needs.filters import LeadFilterSet, NeedFilterSet
from techmayor.needs.forms import LeadForm, LeadRejectForm, NeedEditForm, ProgressForm
from techmayor.needs.models import Lead, Need, ProgressEntry

from ..errors import ErrorSerializer
from ..serializers import FormInput, form_input, record_serializer
from ..versions import check_if_match
from .base import FormUpdateMixin, ReadMixin, ScopedViewSet, pk_of, with_etag
from .records import IF_MATCH

# The state changes a POST to /needs/{id}/transition/ makes (the need page's buttons).
TRANSITIONS = (
    NeedAction.VERIFY,
    NeedAction.PUBLISH,
    NeedAction.RETURN,
    NeedAction.RESUBMIT,
    NeedAction.CLAIM,
    NeedAction.RELEASE,
    NeedAction.APPROVE_COMPLETION,
    NeedAction.REJECT_COMPLETION,
    NeedAction.CANCEL,
)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


NeedSerializer = record_serializer(Need)


class NeedDetailSerializer(NeedSerializer):
    actions = serializers.SerializerMethodField(help_text="当前用户此刻可执行的操作")

    class Meta(NeedSerializer.Meta):
        fields = [*NeedSerializer.Meta.fields, "actions"]
        read_only_fields = fields

    def get_actions(self, need) -> list[str]:
        return sorted(perms.need_actions(self.context["request"].user, need))


ProgressEntrySerializer = record_serializer(ProgressEntry)
LeadSerializer = record_serializer(Lead)


class TransitionInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=[(a.value, a.label) for a in TRANSITIONS], help_text="操作")
    reason = serializers.CharField(
        max_length=300, required=False, allow_blank=True, help_text="原因（退回、取消等须填写）"
    )


class ViewFormInput(FormInput):
    def build_form(self, data):
        return self.context["view"].make_form(data)


NeedEditInput = form_input(NeedEditForm, "NeedEditInput", base=ViewFormInput)
ProgressInput = form_input(ProgressForm, "ProgressInput", base=ViewFormInput, exclude=("file",))
CompletionInput = type(
    "CompletionInput",
    (serializers.Serializer,),
    {"solution": serializers.CharField(max_length=5000, help_text="解决方案及对接的资源")},
)
LeadInput = form_input(LeadForm, "LeadInput", base=ViewFormInput)
LeadRejectInput = form_input(LeadRejectForm, "LeadRejectInput", base=ViewFormInput)

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


@extend_schema_view(
    list=extend_schema(summary="企业需求列表", description="当前用户可查看的需求，筛选与需求列表页相同。"),
    retrieve=extend_schema(
        summary="需求详情", description="含当前用户此刻可执行的操作（actions）；不在查看范围内返回 404。"
    ),
    partial_update=extend_schema(
        summary="修改需求",
        description="认领前可修改标题、描述、类型、紧急程度、卡脖子；带 If-Match 时记录已变则返回 412。",
        request=NeedEditInput,
        parameters=[IF_MATCH],
        responses={200: NeedDetailSerializer, 412: OpenApiResponse(ErrorSerializer), **ERRORS},
    ),
)
@extend_schema(tags=["企业需求"])
class NeedViewSet(FormUpdateMixin, ReadMixin, ScopedViewSet):
    queryset = Need.objects.none()
    serializer_class = NeedSerializer
    filterset_class = NeedFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    not_found = "需求不存在或无权查看"

    def get_queryset(self):
        return selectors.need_filterset(user=self.request.user).queryset.prefetch_related("members", "collaborators")

    def get_serializer_class(self):
        return NeedDetailSerializer if self.action != "list" else NeedSerializer

    def get_input_serializer_class(self):
        return NeedEditInput

    def check_update(self, obj):
        perms.require_need(self.request.user, perms.EDIT, obj)

    def make_form(self, data):
        need = self.editing
        if self.action == "progress":
            return ProgressForm(data, need=need)
        initial = {f: getattr(need, f) for f in ("title", "description", "kind", "urgency", "is_bottleneck")}
        return NeedEditForm(data, initial=initial)

    def update_form(self, form, current):
        return services.need_update(need=current, by=self.request.user, **form.cleaned_data)

    @extend_schema(
        summary="需求状态变更",
        description="核实、审核发布、退回、重新提交、认领、放弃认领、验收通过、验收退回、取消：与需求页的按钮相同的权限与规则。"
        "已被他人认领时返回 409。",
        request=TransitionInput,
        responses={200: NeedDetailSerializer, 409: OpenApiResponse(ErrorSerializer), **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        data = TransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        act, reason = data.validated_data["action"], data.validated_data.get("reason", "")
        user = request.user
        if act == NeedAction.CLAIM:
            self._claimed_by_another(pk)
        need = self.get_object()
        perms.require_need(user, act, need)
        with audit_source("api"), transaction.atomic():
            if act == NeedAction.CLAIM:
                services.need_claim(need=need, member=perms.actor(user).member, by=user)
            elif act == NeedAction.RELEASE:
                services.need_release(need=need, reason=reason, by=user)
            elif act == NeedAction.APPROVE_COMPLETION:
                services.need_approve_completion(need=need, by=user)
            else:
                services.need_transition(need=need, action=act, reason=reason, by=user)
        return self._respond(need.pk)

    def _claimed_by_another(self, pk) -> None:
        """A member who claims a need someone claimed first is told so (409), as the page tells them."""
        member = perms.actor(self.request.user).member
        if member is None:
            return
        need = selectors.need_detail(user=self.request.user, pk=pk_of(pk))
        if need is None:
            need = Need.objects.filter(pk=pk_of(pk), owner__isnull=False, batch__tenures__member=member).first()
        if need is not None and need.owner_id is not None:
            raise Conflict(services.claimed_message(need, member))

    def _respond(self, pk, status_code=status.HTTP_200_OK):
        need = self.get_queryset().filter(pk=pk).first()
        if need is None:  # e.g. a member who released it no longer reads it
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = NeedDetailSerializer(need, context=self.get_serializer_context()).data
        return with_etag(Response(data, status=status_code), need)

    @extend_schema(
        summary="填报需求进展",
        description="负责人或协同人填报当前进展与下一步（附件请在网页上传）。",
        request=ProgressInput,
        responses={201: ProgressEntrySerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        self.editing = need = self.get_object()
        perms.require_need(request.user, perms.PROGRESS, need)
        data = ProgressInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        c = data.form.cleaned_data
        with audit_source("api"), transaction.atomic():
            entry = services.need_progress_report(
                need=need,
                member=perms.actor(request.user).member,
                date=c["date"],
                current_status=c["current_status"],
                next_step=c["next_step"],
                by=request.user,
            )
        return Response(ProgressEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="提交办结",
        description="负责人提交解决方案及对接的资源，等待验收（佐证材料请在网页上传）。",
        request=CompletionInput,
        responses={200: NeedDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        need = self.get_object()
        perms.require_need(request.user, NeedAction.SUBMIT_COMPLETION, need)
        data = CompletionInput(data=request.data)
        data.is_valid(raise_exception=True)
        with audit_source("api"), transaction.atomic():
            services.need_submit_completion(need=need, solution=data.validated_data["solution"], by=request.user)
        return self._respond(need.pk)


@extend_schema_view(
    list=extend_schema(summary="需求线索列表", description="当前用户可查看的线索，筛选与线索列表页相同。"),
    retrieve=extend_schema(summary="线索详情", description="不在查看范围内返回 404。"),
    create=extend_schema(
        summary="录入需求线索",
        description="镇（街道）工作人员和市级管理员可录入；发现疑似重复时返回 400，"
        "核对后以 confirm_duplicate=true 再提交。",
        request=LeadInput,
        responses={201: LeadSerializer, **ERRORS},
    ),
)
@extend_schema(tags=["需求线索"])
class LeadViewSet(ReadMixin, ScopedViewSet):
    queryset = Lead.objects.none()
    serializer_class = LeadSerializer
    filterset_class = LeadFilterSet
    http_method_names = ["get", "post", "head", "options"]
    not_found = "线索不存在或无权查看"

    def get_queryset(self):
        return selectors.lead_filterset(user=self.request.user).queryset

    def make_form(self, data):
        if self.action == "reject":
            return LeadRejectForm(data)
        return LeadForm(data, regions=perms.managed_towns(self.request.user))

    def create(self, request, *args, **kwargs):
        user = request.user
        if not perms.can_create_lead(user):
            raise PermissionDenied(_("只有镇（街道）工作人员和市级管理员可以录入需求线索"))
        data = LeadInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        c = data.form.cleaned_data
        duplicates = selectors.lead_duplicates(
            user=user, enterprise_name=c["enterprise_name"], title=c["title"], text=c["raw_text"]
        )
        if duplicates and not c["confirm_duplicate"]:
            raise serializers.ValidationError(
                {"confirm_duplicate": [_("发现疑似重复的线索或需求，请核对；确认不是重复后勾选下方选项再提交")]}
            )
        with audit_source("api"), transaction.atomic():
            lead = services.lead_create(
                source=perms.lead_source_for(user, c["region"]),
                raw_text=c["raw_text"],
                title=c["title"],
                enterprise_name=c["enterprise_name"],
                contact_name=c["contact_name"],
                contact_phone=c["contact_phone"],
                region=c["region"],
                by=user,
            )
        lead = self.get_queryset().filter(pk=lead.pk).first() or lead
        return with_etag(Response(LeadSerializer(lead).data, status=status.HTTP_201_CREATED), lead)

    @extend_schema(
        summary="不予受理线索",
        description="线索所在镇（街道）的工作人员或市级管理员，在线索待处理时可用。",
        request=LeadRejectInput,
        responses={200: LeadSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        lead = self.get_object()
        perms.require_lead(request.user, perms.LEAD_REJECT, lead)
        data = LeadRejectInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        with audit_source("api"), transaction.atomic():
            current = Lead.objects.select_for_update().get(pk=lead.pk)
            check_if_match(request, current)
            services.lead_reject(lead=current, reason=data.form.cleaned_data["reason"], by=request.user)
        lead = self.get_queryset().get(pk=lead.pk)
        return with_etag(Response(LeadSerializer(lead).data), lead)
