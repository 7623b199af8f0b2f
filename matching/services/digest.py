"""The weekly digest (每周匹配推送): each person of an enterprise with an open demand (and, opt-in, of a pool
enterprise by its own profile) hears once a week of patents newly matched to it and of new open-licence offers in
its field; a supplier's people of new demands matched to their patents. Everything named in a digest comes from
``visible_to(recipient)``, no match or patent is sent twice to the same person, and a week is sent once."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from portal.models import User
from portal.services.audit import audit
from portal.services.notifications import notify

from ..choices import MatchStatus, OfferType
from ..models import DigestDelivery, DigestItem, DigestItemKind, DigestPreference, Match, SupplyPatent
from ..templatetags.matching_tags import explanation_sentence

#: Lines per kind in one digest; the rest stay unsent and come the week after (the lists show everything).
PER_KIND = 20
#: How far back the first digest of a person looks.
FIRST_LOOKBACK = datetime.timedelta(days=7)
UNSUBSCRIBE_SALT = "matching.digest.unsubscribe"


@dataclass(frozen=True)
class Line:
    kind: str
    title: str
    line: str
    url: str
    match_id: int | None = None
    patent_id: int | None = None


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of ``day``'s week: a digest belongs to one week."""
    return day - datetime.timedelta(days=day.weekday())


def preference_of(user) -> DigestPreference:
    return DigestPreference.objects.get_or_create(user=user)[0]


def unsubscribe_token(user) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


def user_from_token(token: str) -> User | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=data.get("u"), is_active=True).first()


def _since(user) -> datetime.datetime:
    first = DigestDelivery.objects.filter(recipient=user).order_by("sent_at").values_list("sent_at", flat=True)
    start = first.first() or timezone.now()
    return start - FIRST_LOOKBACK


def _unsent_matches(user, since):
    return (Match.objects.visible_to(user)
            .filter(created_at__gte=since, demand__is_open=True)
            .filter(patent__in=SupplyPatent.objects.visible_to(user))
            .exclude(status=MatchStatus.DROPPED)
            .exclude(digest_items__recipient=user)
            .select_related("demand", "patent"))


def _enterprise_matches(user, since) -> list[Line]:
    matches = (_unsent_matches(user, since)
               .filter(demand__enterprise_id=user.organisation_id, rank__isnull=False)
               .order_by("-score", "pk")[:PER_KIND])
    return [Line(DigestItemKind.MATCH, m.patent.title,
                 f"匹配需求“{m.demand.title}”，匹配度 {m.score:.0%}。{explanation_sentence(m.explanation)}",
                 reverse("matching:match-detail", args=[m.pk]), match_id=m.pk) for m in matches]


def _supplier_matches(user, since) -> list[Line]:
    matches = (_unsent_matches(user, since)
               .filter(patent__supplier_id=user.organisation_id)
               .filter(Q(rank__isnull=False) | Q(patent_rank__isnull=False))
               .order_by("-score", "pk")[:PER_KIND])
    return [Line(DigestItemKind.DEMAND, m.demand.title,
                 f"与贵单位专利“{m.patent.title}”匹配，匹配度 {m.score:.0%}。{explanation_sentence(m.explanation)}",
                 reverse("matching:match-detail", args=[m.pk]), match_id=m.pk) for m in matches]


def _field_q(user) -> Q | None:
    """The enterprise's field: the industry chains and IPC subclasses of its open demands."""
    from ..models import Demand

    demands = Demand.objects.visible_to(user).filter(enterprise_id=user.organisation_id, is_open=True)
    chains = {c for c in demands.values_list("industry_chain", flat=True) if c}
    subclasses = {h.strip()[:4].upper() for h in demands.values_list("ipc_hint", flat=True) if len(h.strip()) >= 4}
    query = Q(industry_chain__in=chains) if chains else Q(pk__in=[])
    for subclass in sorted(subclasses):
        query |= Q(ipc_main__istartswith=subclass)
    return query if chains or subclasses else None


def _unsent_patents(user, since, exclude: set[int]):
    return (SupplyPatent.objects.visible_to(user).matchable().filter(created_at__gte=since)
            .exclude(digest_items__recipient=user).exclude(pk__in=exclude))


def _offers(user, since, exclude: set[int]) -> list[Line]:
    field = _field_q(user)
    if field is None:
        return []
    patents = (_unsent_patents(user, since, exclude).filter(offer_type=OfferType.OPEN_LICENCE).filter(field)
               .order_by("-created_at", "pk")[:PER_KIND])
    return [Line(DigestItemKind.OFFER, p.title,
                 f"{p.holder_name}以开放许可方式提供"
                 + (f"，许可使用费 {p.open_licence_fee:,.0f} 元" if p.open_licence_fee is not None else "")
                 + f"；与贵企业需求同属{p.industry_chain or p.ipc_main[:4]}领域。",
                 reverse("matching:patent-detail", args=[p.pk]), patent_id=p.pk) for p in patents]


def _profile_doc(user):
    """The pool enterprise's profile as a demand-shaped text: its industry and the titles of its patents and
    products from the admitted application."""
    from pool.lifecycle.workflow import MembershipStatus
    from pool.models import Membership

    from ..engine.docs import DemandDoc

    member = (Membership.objects.filter(enterprise_id=user.organisation_id, status__in=MembershipStatus.SUPPORTED)
              .select_related("application").order_by("-admitted_on").first())
    if member is None:
        return None
    data = member.application.data or {}
    titles = [str(row.get("title") or "") for row in data.get("patents") or [] if isinstance(row, dict)]
    products = [str(row.get("name") or "") for row in data.get("products") or [] if isinstance(row, dict)]
    text = "；".join(t for t in titles + products if t)
    if not text:
        return None
    return DemandDoc(id=f"profile-{member.pk}", title="；".join(products[:3]) or member.enterprise_name,
                     description=text)


def _profile(user, since, exclude: set[int]) -> list[Line]:
    if not preference_of(user).profile:
        return []
    doc = _profile_doc(user)
    if doc is None:
        return []
    from ..models import MatchingPolicy
    from .engine import fitted_engine

    policy = MatchingPolicy.current()
    ranked = fitted_engine(policy).match_one(doc, k=max(PER_KIND * 5, 50))
    scores = {m.patent_id: m for m in ranked if m.score >= policy.min_score}
    patents = _unsent_patents(user, since, exclude).filter(pk__in=list(scores))
    chosen = sorted(patents, key=lambda p: -scores[p.pk].score)[:PER_KIND]
    return [Line(DigestItemKind.PROFILE, p.title,
                 f"与贵企业的专利和产品相关，匹配度 {scores[p.pk].score:.0%}。"
                 f"{explanation_sentence(scores[p.pk].explanation.to_dict())}",
                 reverse("matching:patent-detail", args=[p.pk]), patent_id=p.pk) for p in chosen]


def digest_lines(user) -> list[Line]:
    """What ``user`` would be told now: new, unsent, visible to them."""
    since = _since(user)
    if user.role == "supplier":
        return _supplier_matches(user, since)
    if user.role != "enterprise":
        return []
    lines = _enterprise_matches(user, since)
    seen = {line.patent_id for line in lines}
    seen |= {m.patent_id for m in Match.objects.filter(pk__in=[ln.match_id for ln in lines])}
    offers = _offers(user, since, seen)
    seen |= {line.patent_id for line in offers}
    return lines + offers + _profile(user, since, seen)


def recipients():
    """People who may receive a digest this week: active staff of enterprises with an open demand or an opt-in
    profile, and of suppliers with listed patents; minus those who unsubscribed."""
    from ..models import Demand

    open_demand_orgs = Demand.objects.filter(is_open=True).values("enterprise_id")
    supplier_orgs = SupplyPatent.objects.matchable().values("supplier_id")
    return (User.objects.filter(is_active=True)
            .filter(Q(organisation__kind="enterprise", organisation_id__in=open_demand_orgs)
                    | Q(organisation__kind="enterprise", digest_preference__profile=True)
                    | Q(organisation__kind="supplier", organisation_id__in=supplier_orgs))
            .exclude(digest_preference__weekly=False)
            .select_related("organisation").order_by("pk"))


def _mail_body(lines: list[Line], user) -> str:
    base = settings.PORTAL_BASE_URL.rstrip("/")
    text = "\n".join(f"{i}. {ln.title}：{ln.line}\n   {base}{ln.url}" for i, ln in enumerate(lines, 1))
    unsubscribe = base + reverse("matching:digest-unsubscribe", args=[unsubscribe_token(user)])
    return f"{text}\n\n不想再收到每周推送？点击退订（无需登录）：{unsubscribe}"


def digest_send(*, user, week: datetime.date) -> DigestDelivery | None:
    """Send ``user`` the digest of ``week`` unless it was sent already or there is nothing new."""
    if DigestDelivery.objects.filter(recipient=user, week=week).exists():
        return None
    lines = digest_lines(user)
    if not lines:
        return None
    try:
        with transaction.atomic():
            delivery = DigestDelivery.objects.create(recipient=user, week=week, item_count=len(lines))
            DigestItem.objects.bulk_create(
                DigestItem(delivery=delivery, recipient=user, kind=ln.kind, match_id=ln.match_id,
                           patent_id=ln.patent_id if ln.match_id is None else None, title=ln.title[:300],
                           line=ln.line[:500], url=ln.url, position=i) for i, ln in enumerate(lines))
    except IntegrityError:  # a concurrent run sent this week's digest (or these lines) first
        return None
    notify(recipients=[user], verb="matching.digest", title=f"本周新匹配推送：{len(lines)} 项",
           body=_mail_body(lines, user), url=reverse("matching:digest-detail", args=[delivery.pk]))
    return delivery


def send_weekly_digests(*, today: datetime.date | None = None) -> dict:
    """The weekly job: one digest per person and week; a second run in the same week sends nothing."""
    week = week_of(today or timezone.localdate())
    sent = items = 0
    for user in recipients().iterator(chunk_size=500):
        delivery = digest_send(user=user, week=week)
        if delivery is not None:
            sent += 1
            items += delivery.item_count
    return {"week": week.isoformat(), "sent": sent, "items": items}


@transaction.atomic
def digest_unsubscribe(*, user, via_token: bool) -> DigestPreference:
    preference = DigestPreference.objects.select_for_update().get_or_create(user=user)[0]
    if preference.weekly:
        preference.weekly = False
        preference.unsubscribed_at = timezone.now()
        preference.save(update_fields=["weekly", "unsubscribed_at", "updated_at"])
        audit(actor=None if via_token else user, actor_name=user.get_username(), action="digest.unsubscribed",
              target=preference, comment="通过邮件退订链接" if via_token else "")
    return preference


@transaction.atomic
def digest_preference_update(*, user, weekly: bool, profile: bool) -> DigestPreference:
    preference = DigestPreference.objects.select_for_update().get_or_create(user=user)[0]
    preference.weekly, preference.profile = weekly, profile
    if weekly:
        preference.unsubscribed_at = None
    preference.save()
    audit(actor=user, action="digest.preference_updated", target=preference,
          data={"weekly": weekly, "profile": profile})
    return preference
