"""Factories of the portal core. Each app's tests keep their own factories beside them."""

import factory
from django.conf import settings
from stdnum.cn import uscc as stdnum_uscc

from portal.models import Organisation, OrganisationKind, User

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_uscc(n: int, region: str = "420202") -> str:
    """A valid 统一社会信用代码 for enterprise number ``n`` registered in ``region``."""
    serial = ""
    for _ in range(9):
        n, digit = divmod(n, len(USCC_ALPHABET))
        serial = USCC_ALPHABET[digit] + serial
    body = f"91{region}{serial}"
    return body + stdnum_uscc.calc_check_digit(body)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.ENTERPRISE
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    region_id = "420202"
    uscc = factory.LazyAttributeSequence(
        lambda o, n: make_uscc(n + 1000, o.region_id) if o.kind == OrganisationKind.ENTERPRISE else None)
    contact_person = "联系人"
    contact_phone = "13900000000"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.cn")
    password = factory.PostGenerationMethodCall("set_password", settings.DEMO_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


ROLE_REGION = {"enterprise": "420202", "county": "420202", "city": "420200", "province": "420000",
               "bank": "420200", "supplier": "420200"}


def user_with_role(role: str, region: str | None = None, **kwargs) -> User:
    """A user of ``role`` whose organisation sits in ``region`` (a sensible Huangshi default per role)."""
    if role == "admin":
        return UserFactory(organisation=None, is_superuser=True, is_staff=True, **kwargs)
    organisation = OrganisationFactory(kind=role, region_id=region or ROLE_REGION[role])
    return UserFactory(organisation=organisation, **kwargs)
