from django import template

from ..audit_labels import action_label, actor_label

register = template.Library()


@register.filter(name="action_label")
def action_label_filter(action: str) -> str:
    """An audit action's Chinese name (``application.county_approved`` → 申报状态变更为“县级审核通过”)."""
    return action_label(action)


@register.filter(name="actor_label")
def actor_label_filter(name: str) -> str:
    """An audit entry's actor: the person's login name, or which part of the system acted."""
    return actor_label(name)
