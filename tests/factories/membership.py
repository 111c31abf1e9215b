"""Factories of the membership domain: enterprises with a valid credit code, people,
certifications, invitations, memberships, reports.

``EnterpriseFactory()`` creates its owner too (a fresh user, or ``owner=user``); ``PersonFactory``
adds a person (staff unless ``role=`` says otherwise) to an enterprise.
"""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone
from stdnum.cn import uscc

from apps.membership.models import (
    Enterprise,
    EnterpriseCertification,
    EnterpriseMember,
    Invitation,
    Membership,
    Report,
)
from apps.reference.models import CertificationScheme

from . import ClusterFactory, UserFactory


def credit_code(n: int, prefix: str = "91330600") -> str:
    """A valid Unified Social Credit Code: 8 digits, 9 more characters, then the check character."""
    first17 = f"{prefix}{n:09d}"
    return first17 + uscc.calc_check_digit(first17)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    """An enterprise in Shaoxing with an owner (``owner=user`` to choose who, ``owner=False`` for none)."""

    class Meta:
        model = Enterprise
        skip_postgeneration_save = True

    legal_name_zh = factory.Sequence(lambda n: f"绍兴测试纺织有限公司{n}")
    legal_name_en = factory.Sequence(lambda n: f"Shaoxing Test Textiles {n} Co., Ltd.")
    credit_code = factory.Sequence(credit_code)
    region_code = "330600"
    region_name = "Shaoxing"
    latitude = Decimal("30.00000")
    longitude = Decimal("120.58000")
    size_band = Enterprise.SizeBand.SMALL
    description = "Weaving and dyeing."

    @factory.post_generation
    def owner(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        user = extracted or UserFactory()
        EnterpriseMember.objects.create(enterprise=obj, user=user, role=EnterpriseMember.Role.OWNER)

    @factory.post_generation
    def capabilities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.capabilities.set(extracted)


def owner_of(enterprise: Enterprise):
    return EnterpriseMember.objects.get(enterprise=enterprise, role=EnterpriseMember.Role.OWNER).user


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseMember

    enterprise = factory.SubFactory(EnterpriseFactory)
    user = factory.SubFactory(UserFactory)
    role = EnterpriseMember.Role.STAFF


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseCertification

    enterprise = factory.SubFactory(EnterpriseFactory)
    scheme = factory.LazyFunction(lambda: CertificationScheme.objects.get(code="iso9001"))
    number = factory.Sequence(lambda n: f"CERT-{n:05d}")
    issuer = "China Quality Certification Centre"
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))


class InvitationFactory(factory.django.DjangoModelFactory):
    """A pending invitation to join an enterprise as staff, sent by its owner, for 14 days."""

    class Meta:
        model = Invitation

    enterprise = factory.SubFactory(EnterpriseFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = EnterpriseMember.Role.STAFF
    invited_by = factory.LazyAttribute(lambda i: owner_of(i.enterprise))
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))


class MembershipFactory(factory.django.DjangoModelFactory):
    """An active membership (``status=Membership.Status.PENDING`` for an application)."""

    class Meta:
        model = Membership

    cluster = factory.SubFactory(ClusterFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    status = Membership.Status.ACTIVE
    note = "We weave technical fabrics."
    joined_at = factory.LazyAttribute(lambda m: timezone.now() if m.status == Membership.Status.ACTIVE else None)


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    cluster = factory.SubFactory(ClusterFactory)
    reporter = factory.SubFactory(EnterpriseFactory)
    subject = factory.SubFactory(EnterpriseFactory)
    category = Report.Category.QUALITY
    text = "The last batch had loose threads."


#: The same factory under the model's name.
EnterpriseMemberFactory = PersonFactory
