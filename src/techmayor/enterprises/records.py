"""The enterprises app's kind of record (挂钩服务 links), registered in ``core.registry``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from techmayor.core.registry import Column, RecordKind, Timeline, members_text, registry

from . import filters, forms, selectors
from .models import EnterpriseLink

LINK = RecordKind(
    key="link",
    app="enterprises",
    prefix="links/",
    model=EnterpriseLink,
    queryset=selectors.enterprise_link_list,
    filterset=filters.EnterpriseLinkFilterSet,
    form=forms.EnterpriseLinkForm,
    icon="bi-link",
    columns=[
        Column(_("挂钩日期"), lambda o: o.date, width=12, role="meta"),
        Column(_("企业"), lambda o: o.enterprise.name, width=32, role="title"),
        Column(_("统一社会信用代码"), lambda o: o.enterprise.credit_code or "", width=22, in_list=False),
        Column(_("所在地"), lambda o: o.enterprise.region.name if o.enterprise.region_id else "", width=14),
        Column(_("支团"), lambda o: o.group.name, width=10, role="meta"),
        Column(_("挂钩团员"), members_text, width=24),
        Column(_("备注"), lambda o: o.note, width=30, in_list=False),
        Column(_("批次"), lambda o: str(o.batch), width=16, in_list=False),
    ],
    timeline=Timeline("enterprise", lambda o: _("挂钩服务"), lambda o: o.note),
)

KINDS = [LINK]

registry.register(*KINDS)
