"""哪项政策有帮助: linking a policy of the library to a need, and removing the link (a room of its own,
beside ``views``). Who may is ``permissions.need_can_link_policy``; the need page shows the links."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError
from techmayor.core.forms import BaseForm
from techmayor.policies.selectors import policy_list

from . import permissions as perms
from . import selectors, services
from .models import NeedPolicy


class PolicyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.document_number:
            return _("%(title)s（%(number)s）") % {"title": obj.title, "number": obj.document_number}
        return obj.title


class NeedPolicyForm(BaseForm):
    policy = PolicyChoiceField(
        label=gettext_lazy("政策"), queryset=None, empty_label=gettext_lazy("（选择政策库中的政策）")
    )
    note = forms.CharField(label=gettext_lazy("如何有帮助"), max_length=200, required=False)

    def __init__(self, *args, user, need, **kwargs):
        super().__init__(*args, **kwargs)
        linked = need.policy_links.filter(is_removed=False).values("policy")
        self.fields["policy"].queryset = policy_list(user=user).exclude(pk__in=linked)


def policy_section(request, need) -> dict:
    """The need page's context for its 有帮助的政策 card."""
    links = list(need.policy_links.filter(is_removed=False).select_related("policy"))
    may_link = perms.need_can_link_policy(request.user, need)
    return {
        "policy_links": links,
        "can_link_policy": may_link,
        "policy_form": NeedPolicyForm(user=request.user, need=need) if may_link else None,
    }


def _need_for_link(request, pk):
    need = selectors.need_detail(user=request.user, pk=pk)
    if need is None:
        raise Http404(_("需求不存在或无权查看"))
    perms.require_need_open(request.user, need)
    if not perms.need_can_link_policy(request.user, need):
        raise PermissionDenied(_("你不能为这条需求关联政策"))
    return need


@login_required
@require_POST
def need_policy_link(request, pk):
    need = _need_for_link(request, pk)
    form = NeedPolicyForm(request.POST, user=request.user, need=need)
    if form.is_valid():
        try:
            with audit_source("web"):
                link = services.need_policy_link(need=need, by=request.user, **form.cleaned_data)
        except ApplicationError as err:
            form.add_service_error(err)
        else:
            messages.success(request, _("已关联政策：%(title)s") % {"title": link.policy.title})
            return redirect("needs:need_detail", pk=need.pk)
    return render(request, "needs/need_policy_form.html", {"need": need, "form": form}, status=200)


@login_required
@require_POST
def need_policy_unlink(request, pk, link_pk):
    need = _need_for_link(request, pk)
    link = NeedPolicy.objects.filter(pk=link_pk, need=need, is_removed=False).select_related("policy").first()
    if link is None:
        raise Http404(_("该政策未关联这条需求"))
    with audit_source("web"):
        services.need_policy_unlink(link=link, by=request.user)
    messages.success(request, _("已取消关联政策：%(title)s") % {"title": link.policy.title})
    return redirect("needs:need_detail", pk=need.pk)
