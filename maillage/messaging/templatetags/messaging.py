from __future__ import annotations

from django import template

from ..selectors import unread_conversations_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_conversations(context) -> int:
    """Conversations with something unread for the member viewing the page (cached)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_conversations_count(user.pk)
