"""Enterprises in the API: the reader's enterprises (``enterprises.selectors.enterprise_list``) with
the list page's FilterSet, their tags and contacts; new enterprises and profile changes through the
page's form (the duplicate check included) by the people the pages let do it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers

from techmayor.enterprises import selectors
from techmayor.enterprises.filters import EnterpriseFilterSet
from techmayor.enterprises.forms import EnterpriseForm
from techmayor.enterprises.models import Contact, Enterprise, EnterpriseTag

from ..errors import ErrorSerializer
from ..serializers import FormInput, form_input, record_serializer
from .base import FormWriteMixin, ReadMixin, ScopedViewSet
from .records import IF_MATCH


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = EnterpriseTag
        fields = ["kind", "year", "note"]
        read_only_fields = fields


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "name", "position", "phone", "email"]
        read_only_fields = fields


EnterpriseSerializer = record_serializer(
    Enterprise,
    extra={
        "tags": TagSerializer(many=True, read_only=True, help_text="企业标签"),
        "contacts": ContactSerializer(many=True, read_only=True, help_text="联系人"),
    },
)


class EnterpriseInputBase(FormInput):
    def build_form(self, data):
        view = self.context["view"]
        return EnterpriseForm(data, user=view.request.user, instance=view.editing)


EnterpriseInput = form_input(EnterpriseForm, "EnterpriseInput", base=EnterpriseInputBase)
EnterpriseUpdateInput = form_input(
    EnterpriseForm, "EnterpriseUpdateInput", base=EnterpriseInputBase, exclude=("confirm_new",)
)
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer}


@extend_schema_view(
    list=extend_schema(summary="企业列表", description="当前用户可查看的企业，筛选与企业列表页相同。"),
    retrieve=extend_schema(summary="企业详情", description="含企业标签与联系人；不在查看范围内返回 404。"),
    create=extend_schema(
        summary="新建企业",
        description="疑似重复企业时返回 400；核对确属另一家企业后以 confirm_new=true 再提交。",
        request=EnterpriseInput,
        responses={201: EnterpriseSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="修改企业资料",
        description="只提交要修改的字段；带 If-Match 时记录已变则返回 412。",
        request=EnterpriseUpdateInput,
        parameters=[IF_MATCH],
        responses={200: EnterpriseSerializer, 412: OpenApiResponse(ErrorSerializer), **ERRORS},
    ),
)
@extend_schema(tags=["企业"])
class EnterpriseViewSet(FormWriteMixin, ReadMixin, ScopedViewSet):
    queryset = Enterprise.objects.none()
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    not_found = "企业不存在，或不在你的查看范围内"

    def get_queryset(self):
        return selectors.enterprise_list(user=self.request.user).prefetch_related("contacts")

    def get_input_serializer_class(self):
        return EnterpriseInput if self.editing is None else EnterpriseUpdateInput

    def check_create(self):
        if not selectors.can_create_enterprise(self.request.user):
            raise PermissionDenied(_("你没有新建企业的权限"))

    def check_update(self, obj):
        if not selectors.can_edit_enterprise(self.request.user, obj):
            raise PermissionDenied(_("你不能修改这家企业的资料"))
