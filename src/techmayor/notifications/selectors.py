"""Reads for reminders: a person reads only their own messages."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Notification


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def inbox(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    notes = Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
    return notes.filter(read_at__isnull=True) if unread_only else notes


def notification_of(*, user, pk) -> Notification | None:
    return Notification.objects.filter(recipient=user, pk=pk).first()
