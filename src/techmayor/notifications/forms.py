from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from techmayor.core.forms import styled

from .choices import Delivery, NotificationKind


class PreferencesForm(forms.Form):
    """One choice per kind of reminder, and the address e-mails go to."""

    email = forms.EmailField(
        label=_("接收邮箱"),
        required=False,
        error_messages={"invalid": _("接收邮箱格式不正确，请填写如 name@example.gov.cn 的地址")},
        help_text=_("留空则只在站内消息中提醒"),
    )

    language = forms.ChoiceField(
        label=_("邮件语言"),
        choices=settings.LANGUAGES,
        error_messages={"invalid_choice": _("邮件语言无效，请重新选择"), "required": _("请选择邮件语言")},
        required=False,
        help_text=_("切换页面语言时也会随之改变"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in NotificationKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("请选择送达方式"), "invalid_choice": _("送达方式无效，请重新选择")},
            )
        styled(self)

    def kind_fields(self):
        return [self[kind.value] for kind in NotificationKind]
