"""Contact data in templates, masked for bureau and bank users unless revealed (see portal/privacy.py).

``{% personal obj "contact_phone" %}`` prints one field as the viewer may see it; ``{% reveal_form obj %}`` offers
the form that reveals the record's contact data with a reason (nothing when it is already shown in full).
"""

from django import template

from .. import privacy

register = template.Library()

KIND_OF_LABEL = {label: kind for kind, (label, _fields) in privacy.REVEALABLE.items()}


@register.simple_tag(takes_context=True)
def personal(context, obj, field):
    request = context.get("request")
    return privacy.shown(getattr(request, "user", None), obj, field, request)


@register.inclusion_tag("includes/reveal_form.html", takes_context=True)
def reveal_form(context, obj):
    request = context.get("request")
    user = getattr(request, "user", None)
    label = getattr(getattr(obj, "_meta", None), "label_lower", None)
    offer = label in KIND_OF_LABEL and privacy.must_mask(user, obj, request)
    return {"offer": offer, "kind": KIND_OF_LABEL.get(label), "pk": getattr(obj, "pk", None),
            "next": request.get_full_path() if request else "/", "csrf_token": context.get("csrf_token")}
