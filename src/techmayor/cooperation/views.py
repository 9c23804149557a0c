"""Cooperation pages: money received under an agreement (the intents' and agreements' own pages are built
by ``web`` from the kinds in ``records.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError
from techmayor.core.text import wan
from techmayor.roster.selectors import can_edit_record

from . import forms, selectors, services
from .records import AGREEMENT


@login_required
@require_POST
def receipt_add(request, pk):
    """Record money received under an agreement (an increment); same rights as editing the agreement."""
    agreement = selectors.agreement_list(user=request.user).filter(pk=pk).first()
    if agreement is None:
        raise Http404
    if not can_edit_record(request.user, agreement):
        raise PermissionDenied(_("你不能为这份协议登记到账"))
    form = forms.ReceiptForm(request.POST)
    if form.is_valid():
        try:
            with audit_source("web"):
                services.agreement_receipt_add(agreement=agreement, by=request.user, **form.cleaned_data)
        except ApplicationError as err:
            form.add_service_error(err)
        else:
            amount = wan(form.cleaned_data["amount_wan"])
            messages.success(request, _("已登记到账 %(amount)s 万元") % {"amount": amount})
            return redirect(AGREEMENT.detail_url(agreement) + "#receipts")
    context = AGREEMENT.detail_page(request, agreement, can_edit=True) | {"receipt_form": form}
    return render(request, AGREEMENT.detail_template, context)
