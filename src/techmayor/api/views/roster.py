"""The groups the reader may see (``roster.selectors.group_list``), with their members: the ids the
writes take (``group``, ``members``)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from techmayor.roster.models import Group, Tenure
from techmayor.roster.selectors import group_list

from .base import ReadMixin, ScopedViewSet


class TenureSerializer(serializers.ModelSerializer):
    member = serializers.IntegerField(source="member_id", help_text="团员 id")
    name = serializers.CharField(source="member.name", help_text="姓名")

    class Meta:
        model = Tenure
        fields = ["member", "name", "role"]
        read_only_fields = fields


class GroupSerializer(serializers.ModelSerializer):
    batch_label = serializers.CharField(source="batch.__str__", read_only=True, help_text="批次")
    district_name = serializers.CharField(source="district.name", read_only=True, help_text="服务地区")

    class Meta:
        model = Group
        fields = ["id", "name", "batch", "batch_label", "district", "district_name"]
        read_only_fields = fields


class GroupDetailSerializer(GroupSerializer):
    members = TenureSerializer(source="tenures", many=True, read_only=True, help_text="本批次团员")

    class Meta(GroupSerializer.Meta):
        fields = [*GroupSerializer.Meta.fields, "members"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="支团列表", description="当前用户可查看的支团。"),
    retrieve=extend_schema(summary="支团详情", description="含本批次团员；不在查看范围内返回 404。"),
)
@extend_schema(tags=["支团"])
class GroupViewSet(ReadMixin, ScopedViewSet):
    queryset = Group.objects.none()
    serializer_class = GroupSerializer
    not_found = "支团不存在，或不在你的查看范围内"

    def get_queryset(self):
        return group_list(user=self.request.user).prefetch_related("tenures__member")

    def get_serializer_class(self):
        return GroupDetailSerializer if self.action == "retrieve" else GroupSerializer
