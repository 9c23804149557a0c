from django import template

from techmayor.core.attachments import attachment_may_remove

register = template.Library()


@register.filter
def removable_by(attachment, user) -> bool:
    """``{% if a|removable_by:user %}``: may ``user`` remove this (visible) attachment?"""
    return attachment_may_remove(user=user, attachment=attachment)


@register.filter
def filesize(size: int) -> str:
    if size is None:
        return ""
    if size < 1024 * 1024:
        return f"{max(size // 1024, 1)} KB"
    return f"{size / 1024 / 1024:.1f} MB"
