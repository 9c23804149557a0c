from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from techmayor.core.models import BaseModel, RegionLevel

from .choices import Role


class User(AbstractUser):
    """A login account. The person in the program (roster.Member) is separate and may link to one."""

    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    must_change_password = models.BooleanField(_("首次登录须改密码"), default=False)
    is_demo = models.BooleanField(_("演示账号"), default=False)
    # The language of the person's e-mails (set on the settings page, and by the language switch);
    # empty: the installation's LANGUAGE_CODE.
    language = models.CharField(_("邮件语言"), max_length=10, blank=True, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


# The region level each role's scope is anchored to (None: anchored to a group, or to the member).
ROLE_REGION_LEVEL = {
    Role.CITY_ADMIN: RegionLevel.CITY,
    Role.LEADER: RegionLevel.CITY,
    Role.DISTRICT_STAFF: RegionLevel.DISTRICT,
    Role.TOWN_STAFF: RegionLevel.TOWN,
    Role.PROVINCE_ADMIN: RegionLevel.PROVINCE,
    Role.PROVINCE_LEADER: RegionLevel.PROVINCE,
}


class RoleAssignment(BaseModel):
    """One role of a user with its scope: a city, a district, a town or a group.

    A person may hold several roles, each with its own scope (a 团长 is also a 团员; a district
    staffer may also serve a town). A member's scope is their own records, found through
    ``roster.Member.user``.
    """

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "core.Region", verbose_name=_("范围（地区）"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        "roster.Group",
        verbose_name=_("范围（支团）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "region", "group"], name="role_assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.group or self.region or ''}"

    def clean(self):
        level = ROLE_REGION_LEVEL.get(self.role)
        if level is not None:
            if self.region_id is None or self.region.level != level:
                raise ValidationError({"region": _("该角色的范围须为对应层级的地区")})
            if self.group_id:
                raise ValidationError({"group": _("该角色按地区授权，不能指定支团")})
        elif self.role == Role.GROUP_LEADER:
            if self.group_id is None:
                raise ValidationError({"group": _("团长/副团长须指定支团")})
        elif self.region_id or self.group_id:
            raise ValidationError({"region": _("团员角色的范围是本人记录，不指定地区或支团")})


class ApiToken(models.Model):
    """A personal API token (``Authorization: Bearer <token>``). Only the SHA-256 of the token is
    stored: the token itself is shown once, when it is made (account page or ``techmayor api-token``)."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=60)
    key_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("令牌开头"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("有效期至"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.name} · {self.prefix}…"

    def is_usable(self, now) -> bool:
        return self.revoked_at is None and self.expires_at > now
