"""Reads of the policy library (政策库) and who may change it.

Policies are public documents: everyone with a role reads the whole library (and its files);
city administrators add and change entries.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from techmayor.accounts.choices import Role
from techmayor.accounts.scopes import active_roles, has_role

from .models import Policy


def can_read_policies(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or active_roles(user))


def can_manage_policies(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return has_role(user, Role.CITY_ADMIN)  # superusers too


def policy_list(*, user) -> QuerySet[Policy]:
    if not can_read_policies(user):
        return Policy.objects.none()
    return Policy.objects.order_by("-issued_on", "-id")


def policy_get(*, user, pk: int) -> Policy | None:
    return policy_list(user=user).filter(pk=pk).first()


def search_condition(text: str) -> Q:
    """Title, issuer, document number, summary or tag contains each word of ``text``."""
    q = Q()
    for word in (text or "").split():
        q &= (
            Q(title__icontains=word)
            | Q(issuer__icontains=word)
            | Q(document_number__icontains=word)
            | Q(summary__icontains=word)
            | Q(tags__icontains=word)
        )
    return q
