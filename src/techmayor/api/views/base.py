"""What every API view shares: records looked up in the reader's scope (else 404), writes through
the UI's forms and services in one transaction, labelled ``api`` in the audit log, with ``If-Match``."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from techmayor.core.audit import audit_source

from ..versions import check_if_match, etag_of

MAX_ID = 2**63 - 1


def pk_of(value) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    if not 0 < pk <= MAX_ID:
        raise Http404
    return pk


def with_etag(response: Response, instance) -> Response:
    response["ETag"] = etag_of(instance)
    return response


class ScopedViewSet(viewsets.GenericViewSet):
    """``get_queryset`` is the reader's scope; a record outside it is a 404 (``not_found``)."""

    not_found = "记录不存在，或不在你的查看范围内"
    # Any path segment reaches get_object, so "/visits/0.5/" is the API's 404, not the site's HTML one.
    lookup_value_regex = "[^/]+"

    def get_object(self):
        pk = pk_of(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field))
        obj = self.get_queryset().filter(pk=pk).first()
        if obj is None:
            raise Http404(_(self.not_found))
        self.check_object_permissions(self.request, obj)
        return obj


class ReadMixin(mixins.ListModelMixin):
    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        return with_etag(Response(self.get_serializer(instance).data), instance)


class FormSaveMixin:
    """Writes through a :class:`~techmayor.api.serializers.FormInput`: subclasses provide
    ``input_serializer`` (or ``get_input_serializer_class``), ``check_create()`` / ``check_update(obj)``
    (raising 403) and may override ``save_form(form)`` / ``update_form(form, current)``.
    """

    editing = None  # the record being changed (None: a new one)

    def get_input_serializer_class(self):
        return self.input_serializer

    def save_form(self, form):
        saved = form.save(by=self.request.user)
        return saved[0] if isinstance(saved, tuple) else saved

    def respond(self, record, status_code=status.HTTP_200_OK) -> Response:
        record = self.get_queryset().filter(pk=record.pk).first() or record
        data = self.get_serializer_class()(record, context=self.get_serializer_context()).data
        return with_etag(Response(data, status=status_code), record)


class FormCreateMixin(FormSaveMixin):
    """POST: a new record."""

    def check_create(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        self.check_create()
        serializer = self.get_input_serializer_class()(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        with audit_source("api"), transaction.atomic():
            record = self.save_form(serializer.form)
        return self.respond(record, status.HTTP_201_CREATED)


class FormUpdateMixin(FormSaveMixin):
    """PATCH: change the fields sent, with ``If-Match``."""

    def check_update(self, obj) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def partial_update(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check_update(obj)
        self.editing = obj
        serializer = self.get_input_serializer_class()(
            obj, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        with audit_source("api"), transaction.atomic():
            current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
            check_if_match(request, current)
            serializer.form.instance = current
            record = self.update_form(serializer.form, current)
        return self.respond(record)

    def update_form(self, form, current):
        return self.save_form(form)


class FormWriteMixin(FormCreateMixin, FormUpdateMixin):
    """POST and PATCH."""
