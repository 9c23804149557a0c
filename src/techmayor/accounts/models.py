from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A login account. The person in the program (roster.Member) is separate and may link to one."""

    display_name = models.CharField("姓名", max_length=60, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    must_change_password = models.BooleanField("首次登录须改密码", default=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username
