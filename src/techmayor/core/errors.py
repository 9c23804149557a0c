"""The one error type services raise for bad input or a forbidden action.

Its message is Chinese and names the field (or row) at fault, so views, the API, the CLI and
importers can show it as it is. Nothing is written when it is raised inside a service, because
every service runs in a transaction.
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist, ValidationError


class ApplicationError(Exception):
    def __init__(self, message: str, *, field: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}

    def __str__(self) -> str:
        return self.message


def validation_message(exc: ValidationError, model=None) -> str:
    """Turn a Django ValidationError into one Chinese line: ``字段: 原因；字段: 原因``."""
    if not hasattr(exc, "error_dict"):
        return "；".join(str(m) for m in exc.messages)
    parts = []
    for field, errors in exc.error_dict.items():
        label = field
        if model is not None and field != "__all__":
            try:
                label = str(model._meta.get_field(field).verbose_name)
            except FieldDoesNotExist:  # a non-field key keeps its own name
                label = field
        for error in errors:
            for message in error.messages:
                parts.append(message if field == "__all__" else f"{label}: {message}")
    return "；".join(parts)
