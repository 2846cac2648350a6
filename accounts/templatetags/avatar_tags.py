"""``{% load avatar_tags %}{% avatar_info user as avatar %}`` for templates.

Gives {avatar_url, avatar_urls, is_default, max_mb}: the member's avatar, the staff default or the
built-in picture, as accounts.avatars.images.avatar_info decides.
"""

from django import template
from django.conf import settings

from accounts.avatars.images import avatar_info as _avatar_info

register = template.Library()


@register.simple_tag(takes_context=True)
def avatar_info(context, user) -> dict:
    info = _avatar_info(user, request=context.get("request"))
    info["max_mb"] = max(1, round(settings.AVATAR_MAX_BYTES / (1024 * 1024)))
    return info
