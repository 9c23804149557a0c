"""Filtering in the API with the very FilterSets of the list pages (``?q=&group=&date_from=…``).

The FilterSets of the need loop take the reader (``user=``) rather than the request; this backend
hands them whichever they ask for. A bad filter value is a 400 naming the parameter.
"""

from __future__ import annotations

import inspect

from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and "user" in inspect.signature(filterset_class.__init__).parameters:
            kwargs["user"] = request.user
        return kwargs
