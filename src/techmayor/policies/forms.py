"""The policy library's form (city administrators), with the document's file."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from techmayor.core.forms import BaseForm, DateInput

from . import services
from .choices import PolicyLevel


class PolicyForm(BaseForm):
    title = forms.CharField(label=_("政策名称"), max_length=200)
    level = forms.ChoiceField(label=_("层级"), choices=PolicyLevel.choices)
    issuer = forms.CharField(label=_("发文机关"), max_length=150)
    document_number = forms.CharField(label=_("文号"), max_length=80, required=False)
    issued_on = forms.DateField(label=_("发布日期"), widget=DateInput())
    valid_from = forms.DateField(label=_("有效期起"), required=False, widget=DateInput())
    valid_to = forms.DateField(label=_("有效期止"), required=False, widget=DateInput(), help_text=_("长期有效可不填"))
    tags = forms.CharField(
        label=_("标签"), max_length=250, required=False, help_text=_("多个标签用逗号或顿号分隔，如：人才、研发投入")
    )
    summary = forms.CharField(label=_("主要内容"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    source_url = forms.URLField(label=_("原文链接"), required=False, assume_scheme="https")
    document = forms.FileField(label=_("附件（政策原文）"), required=False, help_text=_("PDF、Word 或 Excel"))

    def __init__(self, *args, instance=None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": instance.title,
                    "level": instance.level,
                    "issuer": instance.issuer,
                    "document_number": instance.document_number,
                    "issued_on": instance.issued_on,
                    "valid_from": instance.valid_from,
                    "valid_to": instance.valid_to,
                    "tags": instance.tags,
                    "summary": instance.summary,
                    "source_url": instance.source_url,
                },
            )
        super().__init__(*args, **kwargs)

    def save(self, *, by):
        data = dict(self.cleaned_data)
        document = data.pop("document", None)
        if self.instance is not None:
            policy = services.policy_update(policy=self.instance, by=by, **data)
        else:
            policy = services.policy_create(by=by, **data)
        if document:
            services.policy_attach(policy=policy, file=document, by=by)
        return policy
