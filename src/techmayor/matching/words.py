"""The engine's reasons and signals in words. Each is the Chinese string the core and its callers
read (``Reason`` is a ``str``) and remembers its template and values, so that a page can say it in
the reader's language: the Django layer translates the template (``matchmaking.selectors.say``).
Templates are marked with :func:`gettext_noop`, a name ``makemessages`` collects. No Django here.
"""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    """Mark ``message`` for the translation catalogue; it stays as it is."""
    return message


class Reason(str):
    """``Reason(gettext_noop("所在支团服务{district}"), district="溧阳市")`` == "所在支团服务溧阳市"."""

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, **values: object) -> Reason:
        self = super().__new__(cls, template.format(**values))
        self.template = template
        self.values = values
        return self

    def __getnewargs_ex__(self):  # copies and pickles keep the template
        return (self.template,), self.values
