"""Cooperation pages: money received under an agreement (the intents' and agreements' own pages are built
by ``web`` from the kinds in ``records.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from techmayor.core.audit import audit_source
from techmayor.core.errors import ApplicationError
from techmayor.core.forms import WithdrawForm
from techmayor.core.services import withdraw_record
from techmayor.core.submissions import once
from techmayor.core.text import wan
from techmayor.roster.selectors import can_edit_record, can_restore_record, can_withdraw_record, require_open_batch

from . import forms, selectors, services
from .models import AgreementReceipt
from .records import AGREEMENT


@login_required
@require_POST
@once
def receipt_add(request, pk):
    """Record money received under an agreement (an increment); same rights as editing the agreement."""
    agreement = selectors.agreement_list(user=request.user).filter(pk=pk).first()
    if agreement is None:
        raise Http404
    require_open_batch(request.user, agreement.batch)
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


def _receipt(request, pk: int, rid: int, *, withdrawn: bool = False):
    """A receipt of an agreement in the user's read scope (withdrawn ones only with ``withdrawn``)."""
    agreement = selectors.agreement_list(user=request.user).filter(pk=pk).first()
    if agreement is None:
        raise Http404
    manager = AgreementReceipt.all_objects if withdrawn else AgreementReceipt.objects
    receipt = manager.filter(pk=rid, agreement=agreement).first()
    if receipt is None:
        raise Http404
    return agreement, receipt


@login_required
@require_http_methods(["GET", "POST"])
def receipt_withdraw(request, pk, rid):
    """作废 a receipt entered by mistake: its enterer or an administrator of the agreement's scope."""
    agreement, receipt = _receipt(request, pk, rid)
    require_open_batch(request.user, agreement.batch)
    if not can_withdraw_record(request.user, agreement, entered=receipt):
        raise PermissionDenied(_("你不能作废这笔到账：只有登记人或其范围内的管理员可以作废"))
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with audit_source("web"):
                withdraw_record(receipt, by=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as err:
            form.add_service_error(err)
        else:
            messages.success(request, _("已作废到账 %(amount)s 万元") % {"amount": wan(receipt.amount_wan)})
            return redirect(AGREEMENT.detail_url(agreement) + "#receipts")
    title = _("%(date)s 到账 %(amount)s 万元") % {"date": receipt.date, "amount": wan(receipt.amount_wan)}
    context = {"obj": receipt, "title": title, "form": form, "cancel_url": AGREEMENT.detail_url(agreement)}
    return render(request, "web/record_withdraw.html", context | {"kind": AGREEMENT})


@login_required
@require_POST
def receipt_restore(request, pk, rid):
    agreement, receipt = _receipt(request, pk, rid, withdrawn=True)
    if not can_restore_record(request.user, agreement, entered=receipt):
        raise PermissionDenied(_("只有市级管理员可以恢复作废的记录"))
    try:
        with audit_source("web"):
            services.agreement_receipt_restore(receipt=receipt, by=request.user)
    except ApplicationError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, _("已恢复到账 %(amount)s 万元") % {"amount": wan(receipt.amount_wan)})
    return redirect(AGREEMENT.detail_url(agreement) + "#receipts")
