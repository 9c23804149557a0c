"""``techmayor api-token USERNAME [--expires-days N] [--name NAME]``: print a new personal API token."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from techmayor.accounts.services import TOKEN_DAYS_DEFAULT, TOKEN_DAYS_MAX, api_token_create
from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError


class Command(BaseCommand):
    help = "为用户生成一个个人 API 令牌并打印（令牌只显示这一次，系统只保存其摘要）。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="用户名")
        parser.add_argument(
            "--expires-days",
            type=int,
            default=TOKEN_DAYS_DEFAULT,
            help=f"有效天数（1–{TOKEN_DAYS_MAX}，默认 {TOKEN_DAYS_DEFAULT}）",
        )
        parser.add_argument("--name", default="命令行生成", help="令牌名称（用途），默认“命令行生成”")

    def handle(self, *args, **opts):
        user = get_user_model().objects.filter(username=opts["username"]).first()
        if user is None:
            raise CommandError(f"用户不存在：{opts['username']}")
        try:
            with audit_source("cli"):
                record, token = api_token_create(user=user, name=opts["name"], expires_days=opts["expires_days"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stderr.write(
            f"已为 {user.username} 生成令牌「{record.name}」，有效期至 {record.expires_at:%Y-%m-%d %H:%M}"
        )
        self.stdout.write(token)
