"""Isolation suite generated from the OpenAPI schema.

Every operation is called as an anonymous visitor, as a verified user with no role, as an
administrator and as a member of ANOTHER cluster, and as a member of the target cluster
who lacks the role the operation needs, with ids of real objects of the target cluster.
Each must answer 401/403/404 (unless the operation is open to that actor by design) and
no response may carry a value of the target cluster's objects. An operation added to the
API without a case here fails ``test_every_operation_has_a_case``.
"""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from apps.dealroom.services.conversation import message_post
from apps.governance import chain
from apps.governance.services.council import council_bootstrap
from apps.governance.services.proposals import comment_add, proposal_draft, proposal_open_voting, proposal_submit
from apps.governance.services.voting import vote_cast
from apps.marketplace.models import CapacityOffer
from apps.membership.models import Membership
from tests.factories import ClusterFactory, ClusterRoleFactory, UserFactory
from tests.factories.dealroom import (
    DisputeFactory,
    DocumentFactory,
    OfferFactory,
    QuoteFactory,
    RfqFactory,
    RfqInvitationFactory,
)
from tests.factories.marketplace import (
    CapacityOfferFactory,
    ChannelOfferFactory,
    ChannelRequestFactory,
    DealFactory,
    MatchFactory,
    MatchingRunFactory,
    OrderFactory,
    ReputationFactory,
)
from tests.factories.membership import (
    CertificationFactory,
    EnterpriseFactory,
    InvitationFactory,
    MembershipFactory,
    PersonFactory,
    ReportFactory,
)
from tests.factories.monitoring import AlertFactory, KpiSnapshotFactory
from tests.factories.notifications import NotificationFactory
from tests.factories.parks import AuditorFactory, BookingFactory, ResourceFactory, VisitFactory
from tests.factories.partnerships import PartnershipFactory

ACTORS = ("anonymous", "outsider", "other_admin", "other_member", "plain_member")
SECRET = "TOPSECRET"  # planted in every text field of the target cluster's objects


def build_world(partnership: str = "proposed"):
    """``partnership``: the state of a partnership between the other cluster and the target (proposed,
    in force, or ended): nothing of the target's is shared, so its state must change nothing here."""
    today, now = timezone.localdate(), timezone.now()
    target, other = ClusterFactory(slug="target-cluster"), ClusterFactory(slug="other-cluster")
    w = SimpleNamespace(target=target, other=other)
    w.partnership = PartnershipFactory(proposer=other, partner=target, status=partnership)
    w.admin = ClusterRoleFactory(cluster=target).user
    w.a_owner, w.b_owner, w.c_owner, w.d_owner, w.council_user = (UserFactory() for _ in range(5))
    w.a = EnterpriseFactory(owner=w.a_owner, legal_name_zh=f"{SECRET}甲", legal_name_en=f"{SECRET} A Co")
    w.b = EnterpriseFactory(owner=w.b_owner, legal_name_zh=f"{SECRET}乙", legal_name_en=f"{SECRET} B Co")
    w.c = EnterpriseFactory(owner=w.c_owner, legal_name_zh=f"{SECRET}丙", legal_name_en=f"{SECRET} C Co")
    w.d = EnterpriseFactory(owner=w.d_owner, legal_name_zh="无关企业", legal_name_en="Unrelated member")
    w.a_staff = PersonFactory(enterprise=w.a, role="staff").user
    for enterprise in (w.a, w.b, w.d):
        MembershipFactory(cluster=target, enterprise=enterprise)
    w.application = MembershipFactory(cluster=target, enterprise=w.c, status="pending", note=f"{SECRET} note")
    w.membership_a = Membership.objects.get(cluster=target, enterprise=w.a)
    w.certification = CertificationFactory(
        enterprise=w.a, number=f"{SECRET}-CERT", issuer="CQC", valid_until=today + datetime.timedelta(days=100)
    )
    w.invitation = InvitationFactory(
        enterprise=w.a,
        email="invitee@example.com",
        role="staff",
        invited_by=w.a_owner,
        expires_at=now + datetime.timedelta(days=3),
    )
    w.order = OrderFactory(
        cluster=target,
        owner=w.a,
        title=f"{SECRET} order",
        product_category="fabric",
        quantity=1000,
        target_unit_price=10,
        need_by=today + datetime.timedelta(days=30),
        delivery_latitude=30,
        delivery_longitude=120,
    )
    w.capacity = CapacityOfferFactory(
        cluster=target,
        owner=w.b,
        title=f"{SECRET} capacity",
        quantity_per_period=2000,
        available_from=today,
        available_until=today + datetime.timedelta(days=20),
        total_quantity=2000,
        reserved_quantity=500,
        unit_price=9,
        lead_time_days=3,
        latitude=30,
        longitude=120,
    )
    w.channel_offer = ChannelOfferFactory(
        cluster=target,
        owner=w.b,
        title=f"{SECRET} channel",
        kind="distributor",
        markets=["CN"],
        product_categories=["tea"],
        monthly_volume=100,
        commission_percent=5,
        available_from=today,
    )
    w.channel_request = ChannelRequestFactory(
        cluster=target,
        owner=w.a,
        title=f"{SECRET} request",
        product_category="tea",
        markets=["CN"],
        monthly_volume=50,
        max_commission_percent=9,
        start_by=today,
    )
    sides = {"cluster": target, "order": w.order, "capacity": w.capacity, "breakdown": {}}
    w.match = MatchFactory(quantity=200, **sides)
    accepted = MatchFactory(quantity=500, status="accepted", **sides)
    w.deal = DealFactory(
        match=accepted, unit_price=9, due_date=today - datetime.timedelta(days=1), reason=f"{SECRET} reason"
    )
    message_post(actor=w.a_owner, cluster=target, roles=frozenset({"member"}), match_id=w.match.pk, body=SECRET)
    message_post(actor=w.b_owner, cluster=target, roles=frozenset({"member"}), match_id=accepted.pk, body=SECRET)
    # the deal room: a document of the deal (its file name planted) and an open dispute on it
    w.document = DocumentFactory(match=accepted, deal=w.deal, name=f"{SECRET}.pdf")
    w.dispute = DisputeFactory(deal=w.deal, reason=f"{SECRET} dispute")
    w.run = MatchingRunFactory(cluster=target, kind="full", trigger=f"{SECRET}")
    w.reputation = ReputationFactory(cluster=target, enterprise=w.a, deals_completed=3)
    w.report = ReportFactory(
        cluster=target,
        reporter=w.a,
        subject=w.b,
        category="quality",
        text=f"{SECRET} report",
        reported_by_user=w.a_owner,
    )
    [w.seat] = council_bootstrap(
        actor=w.admin,
        cluster=target,
        seats=[
            {
                "holder": w.council_user,
                "chamber": "institutions",
                "term_start": now - datetime.timedelta(days=1),
                "term_end": now + datetime.timedelta(days=100),
            }
        ],
    )
    w.proposal = proposal_draft(
        actor=w.council_user,
        cluster=target,
        kind="rule_change",
        title=f"{SECRET} proposal",
        body=f"{SECRET} body",
        changes={"matching.weight.price": 0.3},
    )
    proposal_submit(actor=w.council_user, cluster=target, proposal_id=w.proposal.pk)
    proposal_open_voting(actor=w.council_user, cluster=target, proposal_id=w.proposal.pk)
    comment_add(actor=w.council_user, cluster=target, proposal_id=w.proposal.pk, body=f"{SECRET} comment")
    vote_cast(actor=w.council_user, cluster=target, proposal_id=w.proposal.pk, choice="yes", reason=SECRET)
    chain.checkpoint_create(cluster=target)
    w.alert = AlertFactory(cluster=target, key="k:1", kind="deal_overdue", subject=f"{SECRET} alert", enterprises=[w.a])
    KpiSnapshotFactory(cluster=target, metrics={"secret": SECRET})
    w.notification = NotificationFactory(user=w.a_owner, cluster=target, kind="x", title=f"{SECRET} note")
    # the other cluster and its people
    # the deal room: an offer on the match (A buys, B supplies), a request for quotation of A's order to B, B's quote
    w.offer = OfferFactory(match=w.match, note=f"{SECRET} offer")
    w.rfq = RfqFactory(order=w.order, message=f"{SECRET} rfq")
    w.quote = QuoteFactory(invitation=RfqInvitationFactory(rfq=w.rfq, capacity=w.capacity), note=f"{SECRET} quote")
    # the request's documents: the buyer's drawing for its suppliers, and B's certificate sent with its quote
    for name, invitation, enterprise in (
        (f"{SECRET} drawing.pdf", None, w.a),
        (f"{SECRET} cert.pdf", w.quote.invitation, w.b),
    ):
        DocumentFactory(
            cluster=target,
            match=None,
            rfq=w.rfq,
            invitation=invitation,
            offer=invitation and w.quote,
            name=name,
            enterprise=enterprise,
        )
    w.other_admin = ClusterRoleFactory(cluster=other).user
    w.other_member = UserFactory()
    MembershipFactory(cluster=other, enterprise=EnterpriseFactory(owner=w.other_member))
    w.outsider = UserFactory()
    w.plain_member = w.d_owner
    # parks: a resource, enterprise A's booking of it, a visit to A, an auditor
    w.resource = ResourceFactory(cluster=target, name_zh=f"{SECRET}实验室", description=SECRET)
    w.booking = BookingFactory(resource=w.resource, enterprise=w.a, note=f"{SECRET} booking")
    w.visit = VisitFactory(cluster=target, enterprise=w.a, findings={"licence": {"ok": True, "note": SECRET}})
    w.auditor = AuditorFactory(cluster=target, user=UserFactory(name=f"{SECRET} auditor"))
    add_innovation(w)
    from apps.innovation.services.knowledge import knowledge_create, knowledge_review, knowledge_submit

    w.knowledge = knowledge_create(
        actor=w.a_owner, cluster=target, enterprise_id=w.a.pk, kind="guide", title=f"{SECRET} guide", body=SECRET
    )
    knowledge_submit(actor=w.a_owner, cluster=target, entry_id=w.knowledge.pk)
    knowledge_review(actor=w.admin, cluster=target, entry_id=w.knowledge.pk, approve=True)
    return w


def add_innovation(w):
    """A's open challenge (its details secret), B's submission to it (secret), an expert's profile.
    The plain member (D) has not accepted the challenge's terms and is not among B's authors."""
    from apps.innovation.models import Solution, SolutionDocument, SolutionShare, TermsAcceptance
    from tests.factories.innovation import ChallengeFactory, ExpertProfileFactory

    w.challenge = ChallengeFactory(
        cluster=w.target, seeker=w.a, posted_by=w.a_owner, details=f"{SECRET} details", capabilities=["weaving"]
    )
    TermsAcceptance.objects.create(challenge=w.challenge, user=w.b_owner, terms_version=1)
    w.solution = Solution.objects.create(
        cluster=w.target,
        challenge=w.challenge,
        kind="enterprise",
        submitted_by=w.b_owner,
        title=f"{SECRET} solution",
        body=f"{SECRET} body",
    )
    SolutionShare.objects.create(solution=w.solution, enterprise=w.b, percent=100)
    w.question = w.solution.questions.create(asked_by=w.a_owner, question=f"{SECRET} question")
    w.solution_file = SolutionDocument.objects.create(
        cluster=w.target,
        solution=w.solution,
        name=f"{SECRET}.pdf",
        storage_key=f"innovation/{w.target.pk}/{w.challenge.pk}/secret.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )
    w.expert = ExpertProfileFactory(cluster=w.target, name="Prof. Wang", capabilities=["weaving"])


T = "/api/v1/clusters/{cluster_slug}/"
ALL_BUT_ANONYMOUS = frozenset(ACTORS) - {"anonymous"}

# (method, path) -> (path params, body, actors the operation is open to by design)
CASES = {
    ("GET", "/api/v1/clusters/"): (lambda w: {}, None, frozenset(ACTORS)),
    ("POST", "/api/v1/clusters/"): (
        lambda w: {},
        lambda w: {"slug": "x", "name_zh": "x", "name_en": "x", "industry_focus": "x", "region": "x"},
        frozenset(),
    ),
    ("GET", "/api/v1/clusters/{slug}/"): (lambda w: {"slug": w.target.slug}, None, frozenset(ACTORS)),
    ("PATCH", "/api/v1/clusters/{slug}/"): (
        lambda w: {"slug": w.target.slug},
        lambda w: {"name_en": "hacked"},
        frozenset(),
    ),
    ("GET", T + "administrators/"): (lambda w: {}, None, frozenset()),
    ("GET", T + "partnerships/"): (lambda w: {}, None, frozenset({"plain_member"})),
    ("GET", T + "partnerships/{id}/"): (lambda w: {"id": w.partnership.pk}, None, frozenset({"plain_member"})),
    ("POST", T + "partnerships/"): (
        lambda w: {},
        lambda w: {
            "partner": "other-cluster",
            "title": "t",
            "body": "b",
            "shared_kinds": ["order"],
            "starts_on": str(timezone.localdate()),
            "ends_on": str(timezone.localdate()),
        },
        frozenset(),
    ),
    ("POST", T + "partnerships/{id}/motions/"): (
        lambda w: {"id": w.partnership.pk},
        lambda w: {"action": "end", "title": "t", "body": "b"},
        frozenset(),
    ),
    ("GET", T + "partner-listings/"): (lambda w: {}, None, frozenset({"plain_member"})),
    ("POST", T + "administrators/"): (lambda w: {}, lambda w: {"email": w.outsider.email}, frozenset()),
    ("DELETE", T + "administrators/{user_id}/"): (lambda w: {"user_id": w.admin.pk}, None, frozenset()),
    ("GET", T + "alerts/"): (lambda w: {}, None, frozenset({"plain_member"})),
    ("POST", T + "alerts/{id}/acknowledge/"): (lambda w: {"id": w.alert.pk}, None, frozenset()),
    ("POST", T + "alerts/{id}/resolve/"): (lambda w: {"id": w.alert.pk}, None, frozenset()),
    ("GET", T + "audit-chain/checkpoints/"): (lambda w: {}, None, frozenset({"plain_member"})),
    ("POST", T + "audit-chain/checkpoints/"): (lambda w: {}, None, frozenset()),
    ("GET", T + "audit-chain/verify/"): (lambda w: {}, None, frozenset()),
    ("GET", T + "audit-events/"): (lambda w: {}, None, frozenset()),
    ("GET", T + "members/"): (lambda w: {}, None, frozenset({"plain_member"})),
    ("GET", T + "memberships/"): (lambda w: {}, None, ALL_BUT_ANONYMOUS),  # each sees only their own
    ("POST", T + "memberships/"): (lambda w: {}, lambda w: {"enterprise": w.a.pk, "note": "x"}, frozenset()),
    ("GET", T + "memberships/{id}/"): (lambda w: {"id": w.application.pk}, None, frozenset()),
    ("POST", T + "memberships/{id}/confirm-suspension/"): (
        lambda w: {"id": w.application.pk},
        lambda w: {"reason": "x"},
        frozenset(),
    ),
    ("POST", T + "memberships/{id}/dismiss-suspension/"): (
        lambda w: {"id": w.application.pk},
        lambda w: {"reason": "x"},
        frozenset(),
    ),
    ("POST", T + "memberships/bulk-approve/"): (
        lambda w: {},
        lambda w: {"memberships": [w.application.pk]},
        frozenset(),
    ),
    ("GET", T + "matching-runs/"): (lambda w: {}, None, frozenset({"plain_member"})),
    ("GET", T + "reputation/"): (lambda w: {}, None, frozenset({"plain_member"})),
    ("GET", T + "reputation/{enterprise_id}/"): (
        lambda w: {"enterprise_id": w.a.pk},
        None,
        frozenset({"plain_member"}),
    ),
    ("POST", T + "matching-runs/"): (lambda w: {}, None, frozenset()),
    ("GET", T + "matching-runs/{id}/"): (lambda w: {"id": w.run.pk}, None, frozenset({"plain_member"})),
    ("GET", T + "matches/"): (lambda w: {}, None, frozenset({"plain_member"})),
    ("GET", T + "matches/{id}/"): (lambda w: {"id": w.match.pk}, None, frozenset()),
    ("POST", T + "matches/{id}/accept/"): (lambda w: {"id": w.match.pk}, None, frozenset()),
    ("POST", T + "matches/{id}/decline/"): (lambda w: {"id": w.match.pk}, lambda w: {"reason": "no"}, frozenset()),
    ("GET", T + "deals/"): (lambda w: {}, None, frozenset({"plain_member"})),
    ("GET", T + "deals/{id}/"): (lambda w: {"id": w.deal.pk}, None, frozenset()),
    ("POST", T + "deals/{id}/advance/"): (
        lambda w: {"id": w.deal.pk},
        lambda w: {"status": "in_production"},
        frozenset(),
    ),
    ("POST", T + "deals/{id}/rate/"): (
        lambda w: {"id": w.deal.pk},
        lambda w: {"quality": 5, "on_time": 5, "communication": 5},
        frozenset(),
    ),
    # the deal room's conversation: only the two sides (the plain member of the cluster gets 404 too)
    ("GET", T + "matches/{match_pk}/messages/"): (lambda w: {"match_pk": w.match.pk}, None, frozenset()),
    ("POST", T + "matches/{match_pk}/messages/"): (
        lambda w: {"match_pk": w.match.pk},
        lambda w: {"body": "let me in"},
        frozenset(),
    ),
    ("POST", T + "matches/{match_pk}/messages/read/"): (lambda w: {"match_pk": w.match.pk}, None, frozenset()),
    ("GET", T + "deals/{deal_pk}/messages/"): (lambda w: {"deal_pk": w.deal.pk}, None, frozenset()),
    ("POST", T + "deals/{deal_pk}/messages/"): (
        lambda w: {"deal_pk": w.deal.pk},
        lambda w: {"body": "let me in"},
        frozenset(),
    ),
    ("POST", T + "deals/{deal_pk}/messages/read/"): (lambda w: {"deal_pk": w.deal.pk}, None, frozenset()),
    # the deal room's documents and disputes: parties only (the plain member is not one)
    ("GET", T + "deals/{deal_pk}/documents/"): (lambda w: {"deal_pk": w.deal.pk}, None, frozenset()),
    ("POST", T + "deals/{deal_pk}/documents/"): (
        lambda w: {"deal_pk": w.deal.pk},
        lambda w: {"kind": "photo"},
        frozenset(),
    ),
    ("GET", T + "matches/{match_pk}/documents/"): (
        lambda w: {"match_pk": w.deal.match_id},
        None,
        frozenset({"plain_member"}),  # an empty list: none of its rooms
    ),
    ("POST", T + "matches/{match_pk}/documents/"): (
        lambda w: {"match_pk": w.match.pk},
        lambda w: {"kind": "photo"},
        frozenset(),
    ),
    ("GET", T + "documents/{id}/"): (lambda w: {"id": w.document.pk}, None, frozenset()),
    ("GET", T + "documents/{id}/link/"): (lambda w: {"id": w.document.pk}, None, frozenset()),
    ("GET", T + "deals/{deal_pk}/dispute/"): (lambda w: {"deal_pk": w.deal.pk}, None, frozenset()),
    ("POST", T + "deals/{deal_pk}/dispute/"): (
        lambda w: {"deal_pk": w.deal.pk},
        lambda w: {"reason": "Nothing arrived at all, says someone else"},
        frozenset(),
    ),
    ("GET", T + "disputes/"): (lambda w: {}, None, frozenset({"plain_member"})),  # only their own deals'
    ("GET", T + "disputes/{id}/"): (lambda w: {"id": w.dispute.pk}, None, frozenset()),
    ("POST", T + "disputes/{id}/decide/"): (
        lambda w: {"id": w.dispute.pk},
        lambda w: {"outcome": "cancel", "reason": "Decided by someone else"},
        frozenset(),
    ),
    ("GET", T + "metrics/"): (lambda w: {}, None, frozenset({"plain_member"})),
    ("POST", T + "metrics/snapshot/"): (lambda w: {}, None, frozenset()),
    ("GET", T + "council/seats/"): (lambda w: {}, None, frozenset({"plain_member"})),
    ("POST", T + "council/seats/"): (
        lambda w: {},
        lambda w: {
            "seats": [
                {
                    "holder": w.outsider.email,
                    "chamber": "institutions",
                    "term_start": "2026-01-01T00:00:00Z",
                    "term_end": "2099-01-01T00:00:00Z",
                }
            ]
        },
        frozenset(),
    ),
    ("DELETE", T + "council/seats/{id}/"): (lambda w: {"id": w.seat.pk}, None, frozenset()),
    ("POST", T + "council/seats/{id}/resign/"): (lambda w: {"id": w.seat.pk}, None, frozenset()),
    ("GET", T + "proposals/"): (lambda w: {}, None, frozenset({"plain_member"})),
    ("POST", T + "proposals/"): (lambda w: {}, lambda w: {"kind": "policy", "title": "t", "body": "b"}, frozenset()),
    ("GET", T + "proposals/{id}/"): (lambda w: {"id": w.proposal.pk}, None, frozenset({"plain_member"})),
    ("PATCH", T + "proposals/{id}/"): (lambda w: {"id": w.proposal.pk}, lambda w: {"title": "hacked"}, frozenset()),
    ("POST", T + "proposals/{id}/open-voting/"): (lambda w: {"id": w.proposal.pk}, lambda w: {}, frozenset()),
    ("POST", T + "proposals/{id}/submit/"): (lambda w: {"id": w.proposal.pk}, None, frozenset()),
    ("POST", T + "proposals/{id}/withdraw/"): (lambda w: {"id": w.proposal.pk}, None, frozenset()),
    ("POST", T + "proposals/petition/"): (
        lambda w: {},
        lambda w: {"enterprise": w.a.pk, "kind": "policy", "title": "t", "body": "b"},
        frozenset(),
    ),
    ("POST", T + "proposals/{id}/cosign/"): (
        lambda w: {"id": w.proposal.pk},
        lambda w: {"enterprise": w.a.pk},
        frozenset(),
    ),
    ("GET", T + "proposals/{proposal_pk}/comments/"): (
        lambda w: {"proposal_pk": w.proposal.pk},
        None,
        frozenset({"plain_member"}),
    ),
    ("POST", T + "proposals/{proposal_pk}/comments/"): (
        lambda w: {"proposal_pk": w.proposal.pk},
        lambda w: {"body": "hi"},
        frozenset({"plain_member"}),
    ),
    ("GET", T + "proposals/{proposal_pk}/votes/"): (
        lambda w: {"proposal_pk": w.proposal.pk},
        None,
        frozenset({"plain_member"}),
    ),
    ("POST", T + "proposals/{proposal_pk}/votes/"): (
        lambda w: {"proposal_pk": w.proposal.pk},
        lambda w: {"choice": "no"},
        frozenset(),
    ),
    ("GET", T + "reports/"): (lambda w: {}, None, frozenset({"plain_member"})),
    ("POST", T + "reports/"): (
        lambda w: {},
        lambda w: {"reporter": w.a.pk, "subject": w.b.pk, "category": "spam", "reason": "Spam in every channel"},
        frozenset(),
    ),
    ("GET", T + "reports/{id}/"): (lambda w: {"id": w.report.pk}, None, frozenset()),
    ("POST", T + "reports/{id}/resolve/"): (
        lambda w: {"id": w.report.pk},
        lambda w: {"resolution": "dismiss", "reason": "x"},
        frozenset(),
    ),
    ("GET", T + "rules/"): (lambda w: {}, None, frozenset({"plain_member"})),
    ("GET", T + "rules/history/"): (lambda w: {}, None, frozenset({"plain_member"})),
    ("GET", "/api/v1/enterprises/"): (lambda w: {}, None, ALL_BUT_ANONYMOUS),  # each sees only their own
    ("POST", "/api/v1/enterprises/"): (lambda w: {}, None, ALL_BUT_ANONYMOUS),  # anyone signed in may register one
    ("GET", "/api/v1/enterprises/{id}/"): (lambda w: {"id": w.a.pk}, None, ALL_BUT_ANONYMOUS),  # public profile
    ("PATCH", "/api/v1/enterprises/{id}/"): (
        lambda w: {"id": w.a.pk},
        lambda w: {"description": "hacked"},
        frozenset(),
    ),
    ("GET", "/api/v1/enterprises/{enterprise_pk}/certifications/"): (
        lambda w: {"enterprise_pk": w.a.pk},
        None,
        frozenset(),
    ),
    ("POST", "/api/v1/enterprises/{enterprise_pk}/certifications/"): (
        lambda w: {"enterprise_pk": w.a.pk},
        lambda w: {"scheme": "iso14001", "number": "n", "issuer": "i", "valid_until": "2099-01-01"},
        frozenset(),
    ),
    ("DELETE", "/api/v1/enterprises/{enterprise_pk}/certifications/{id}/"): (
        lambda w: {"enterprise_pk": w.a.pk, "id": w.certification.pk},
        None,
        frozenset(),
    ),
    ("GET", "/api/v1/enterprises/{enterprise_pk}/invitations/"): (
        lambda w: {"enterprise_pk": w.a.pk},
        None,
        frozenset(),
    ),
    ("POST", "/api/v1/enterprises/{enterprise_pk}/invitations/"): (
        lambda w: {"enterprise_pk": w.a.pk},
        lambda w: {"email": "x@example.com", "role": "admin"},
        frozenset(),
    ),
    ("DELETE", "/api/v1/enterprises/{enterprise_pk}/invitations/{id}/"): (
        lambda w: {"enterprise_pk": w.a.pk, "id": w.invitation.pk},
        None,
        frozenset(),
    ),
    ("GET", "/api/v1/enterprises/{enterprise_pk}/people/"): (lambda w: {"enterprise_pk": w.a.pk}, None, frozenset()),
    ("PATCH", "/api/v1/enterprises/{enterprise_pk}/people/{user_id}/"): (
        lambda w: {"enterprise_pk": w.a.pk, "user_id": w.a_staff.pk},
        lambda w: {"role": "admin"},
        frozenset(),
    ),
    ("DELETE", "/api/v1/enterprises/{enterprise_pk}/people/{user_id}/"): (
        lambda w: {"enterprise_pk": w.a.pk, "user_id": w.a_staff.pk},
        None,
        frozenset(),
    ),
    ("POST", "/api/v1/enterprises/{enterprise_pk}/people/transfer-ownership/"): (
        lambda w: {"enterprise_pk": w.a.pk},
        lambda w: {"user": w.a_staff.pk},
        frozenset(),
    ),
    ("POST", "/api/v1/invitations/accept/"): (
        lambda w: {},
        lambda w: {"token": "forged"},
        ALL_BUT_ANONYMOUS,
    ),  # 400: bad token
    ("GET", "/api/v1/me/"): (lambda w: {}, None, ALL_BUT_ANONYMOUS),
    ("PATCH", "/api/v1/me/"): (lambda w: {}, lambda w: {"name": "me"}, ALL_BUT_ANONYMOUS),
    ("GET", "/api/v1/notifications/"): (lambda w: {}, None, ALL_BUT_ANONYMOUS),  # their own
    ("POST", "/api/v1/notifications/{id}/read/"): (lambda w: {"id": w.notification.pk}, None, frozenset()),
    ("POST", "/api/v1/notifications/read-all/"): (lambda w: {}, None, ALL_BUT_ANONYMOUS),
    ("GET", "/api/v1/notifications/preferences/"): (lambda w: {}, None, ALL_BUT_ANONYMOUS),
    ("PUT", "/api/v1/notifications/preferences/set/"): (lambda w: {}, lambda w: [], ALL_BUT_ANONYMOUS),
}
# --- the deal room: offers on a match (its two sides only), requests for quotation (buyer and invited) ---
SOON = timezone.localdate() + datetime.timedelta(days=20)
OFFER_TERMS = {"quantity": 10, "unit_price": "9.00", "delivery_date": str(SOON), "payment_terms": "net_30"}
CASES.update(
    {
        ("GET", T + "matches/{match_pk}/offers/"): (lambda w: {"match_pk": w.match.pk}, None, frozenset()),
        ("POST", T + "matches/{match_pk}/offers/"): (
            lambda w: {"match_pk": w.match.pk},
            lambda w: OFFER_TERMS,
            frozenset(),
        ),
        ("GET", T + "matches/{match_pk}/offers/{id}/"): (
            lambda w: {"match_pk": w.match.pk, "id": w.offer.pk},
            None,
            frozenset(),
        ),
        ("POST", T + "matches/{match_pk}/offers/{id}/accept/"): (
            lambda w: {"match_pk": w.match.pk, "id": w.offer.pk},
            None,
            frozenset(),
        ),
        ("POST", T + "matches/{match_pk}/offers/{id}/decline/"): (
            lambda w: {"match_pk": w.match.pk, "id": w.offer.pk},
            None,
            frozenset(),
        ),
        ("POST", T + "matches/{match_pk}/offers/{id}/counter/"): (
            lambda w: {"match_pk": w.match.pk, "id": w.offer.pk},
            lambda w: OFFER_TERMS,
            frozenset(),
        ),
        ("GET", T + "rfqs/"): (lambda w: {}, None, frozenset({"plain_member"})),  # their own: none
        ("POST", T + "rfqs/"): (
            lambda w: {},
            lambda w: {"order": w.order.pk, "best": 1, "deadline": f"{SOON}T00:00:00Z"},
            frozenset(),
        ),
        ("GET", T + "rfqs/{id}/"): (lambda w: {"id": w.rfq.pk}, None, frozenset()),
        ("GET", T + "rfqs/{id}/quotes/"): (lambda w: {"id": w.rfq.pk}, None, frozenset()),
        ("POST", T + "rfqs/{id}/quotes/"): (lambda w: {"id": w.rfq.pk}, lambda w: OFFER_TERMS, frozenset()),
        ("POST", T + "rfqs/{id}/award/"): (
            lambda w: {"id": w.rfq.pk},
            lambda w: {"awards": [{"quote": w.quote.pk}]},
            frozenset(),
        ),
    }
)
# --- the deal room: documents sent with messages and offers, withdrawing, revising, cancelling ---
CASES.update(
    {
        ("POST", T + "matches/{match_pk}/messages/with-document/"): (
            lambda w: {"match_pk": w.match.pk},
            lambda w: {"body": "let me in", "kind": "photo"},
            frozenset(),
        ),
        ("POST", T + "deals/{deal_pk}/messages/with-document/"): (
            lambda w: {"deal_pk": w.deal.pk},
            lambda w: {"body": "let me in", "kind": "photo"},
            frozenset(),
        ),
        ("POST", T + "matches/{match_pk}/offers/with-document/"): (
            lambda w: {"match_pk": w.match.pk},
            lambda w: {**OFFER_TERMS, "kind": "drawing"},
            frozenset(),
        ),
        ("POST", T + "matches/{match_pk}/offers/{id}/counter-with-document/"): (
            lambda w: {"match_pk": w.match.pk, "id": w.offer.pk},
            lambda w: {**OFFER_TERMS, "kind": "drawing"},
            frozenset(),
        ),
        ("POST", T + "matches/{match_pk}/offers/{id}/withdraw/"): (
            lambda w: {"match_pk": w.match.pk, "id": w.offer.pk},
            None,
            frozenset(),
        ),
        ("POST", T + "rfqs/{id}/quotes/revise/"): (lambda w: {"id": w.rfq.pk}, lambda w: OFFER_TERMS, frozenset()),
        ("POST", T + "rfqs/{id}/quotes/with-document/"): (
            lambda w: {"id": w.rfq.pk},
            lambda w: {**OFFER_TERMS, "kind": "certificate"},
            frozenset(),
        ),
        ("POST", T + "rfqs/{id}/quotes/revise-with-document/"): (
            lambda w: {"id": w.rfq.pk},
            lambda w: {**OFFER_TERMS, "kind": "certificate"},
            frozenset(),
        ),
        ("GET", T + "rfqs/{id}/documents/"): (lambda w: {"id": w.rfq.pk}, None, frozenset()),
        ("POST", T + "rfqs/{id}/documents/"): (lambda w: {"id": w.rfq.pk}, lambda w: {"kind": "drawing"}, frozenset()),
        ("POST", T + "rfqs/{id}/cancel/"): (lambda w: {"id": w.rfq.pk}, lambda w: {"reason": "x"}, frozenset()),
    }
)
FUTURE = str(timezone.localdate() + datetime.timedelta(days=30))
LISTING_BODIES = {  # complete, valid bodies posted for the target's enterprise A: refused for who, not what
    "orders": {
        "title": "x",
        "capability": "weaving",
        "product_category": "f",
        "quantity": 10,
        "unit": "m",
        "target_unit_price": "1.00",
        "currency": "CNY",
        "need_by": FUTURE,
        "delivery_region_code": "330100",
        "delivery_latitude": "30.00000",
        "delivery_longitude": "120.00000",
    },
    "capacities": {
        "title": "x",
        "capability": "weaving",
        "quantity_per_period": 10,
        "period": "month",
        "unit": "m",
        "available_from": FUTURE,
        "available_until": FUTURE,
        "unit_price": "1.00",
        "currency": "CNY",
        "lead_time_days": 1,
    },
    "channel-offers": {
        "title": "x",
        "kind": "distributor",
        "markets": ["CN"],
        "product_categories": ["tea"],
        "monthly_volume": 10,
        "commission_percent": "1.00",
        "available_from": FUTURE,
    },
    "channel-requests": {
        "title": "x",
        "product_category": "tea",
        "markets": ["CN"],
        "monthly_volume": 10,
        "max_commission_percent": "5.00",
        "start_by": FUTURE,
    },
}
for kind in ("orders", "capacities", "channel-offers", "channel-requests"):
    attr = {
        "orders": "order",
        "capacities": "capacity",
        "channel-offers": "channel_offer",
        "channel-requests": "channel_request",
    }[kind]
    CASES[("GET", T + f"{kind}/")] = (lambda w: {}, None, frozenset({"plain_member"}))
    CASES[("POST", T + f"{kind}/")] = (
        lambda w: {},
        lambda w, k=kind: {**LISTING_BODIES[k], "owner": w.a.pk},
        frozenset(),
    )
    CASES[("GET", T + f"{kind}/{{id}}/")] = (
        lambda w, a=attr: {"id": getattr(w, a).pk},
        None,
        frozenset({"plain_member"}),
    )
    CASES[("PATCH", T + f"{kind}/{{id}}/")] = (
        lambda w, a=attr: {"id": getattr(w, a).pk},
        lambda w: {"title": "hacked"},
        frozenset(),
    )
    CASES[("POST", T + f"{kind}/{{id}}/transition/")] = (
        lambda w, a=attr: {"id": getattr(w, a).pk},
        lambda w: {"status": "cancelled"},
        frozenset(),
    )
for action in ("approve", "reject", "suspend", "reinstate", "expel", "leave"):
    target_attr = "application" if action in ("approve", "reject") else "membership_a"
    CASES[("POST", T + f"memberships/{{id}}/{action}/")] = (
        lambda w, t=target_attr: {"id": getattr(w, t).pk},
        lambda w: {"reason": "because"},
        frozenset(),
    )
# parks: members read the resources; bookings and visits are their enterprise's own (plain_member has none)
CASES[("GET", T + "resources/")] = (lambda w: {}, None, frozenset({"plain_member"}))
CASES[("POST", T + "resources/")] = (
    lambda w: {},
    lambda w: {"kind": "office", "name_zh": "x", "location": "x", "capacity": 1},
    frozenset(),
)
CASES[("GET", T + "resources/{id}/")] = (lambda w: {"id": w.resource.pk}, None, frozenset({"plain_member"}))
CASES[("PATCH", T + "resources/{id}/")] = (lambda w: {"id": w.resource.pk}, lambda w: {"name_zh": "x"}, frozenset())
CASES[("GET", T + "bookings/")] = (lambda w: {}, None, frozenset({"plain_member"}))
CASES[("POST", T + "bookings/")] = (
    lambda w: {},
    lambda w: {
        "resource": w.resource.pk,
        "enterprise": w.a.pk,
        "starts_at": (timezone.now() + datetime.timedelta(days=9)).isoformat(),
        "ends_at": (timezone.now() + datetime.timedelta(days=9, hours=1)).isoformat(),
    },
    frozenset(),
)
CASES[("GET", T + "bookings/{id}/")] = (lambda w: {"id": w.booking.pk}, None, frozenset())
for action in ("confirm", "reject", "cancel"):
    CASES[("POST", T + f"bookings/{{id}}/{action}/")] = (lambda w: {"id": w.booking.pk}, None, frozenset())
CASES[("GET", T + "verifications/")] = (lambda w: {}, None, frozenset({"plain_member"}))
CASES[("POST", T + "verifications/")] = (
    lambda w: {},
    lambda w: {"enterprise": w.a.pk, "scheduled_for": (timezone.now() + datetime.timedelta(days=3)).isoformat()},
    frozenset(),
)
CASES[("GET", T + "verifications/{id}/")] = (lambda w: {"id": w.visit.pk}, None, frozenset())
CASES[("POST", T + "verifications/{id}/record/")] = (
    lambda w: {"id": w.visit.pk},
    lambda w: {"findings": {"licence": {"ok": True}}, "level": "basic"},
    frozenset(),
)
CASES[("POST", T + "verifications/{id}/cancel/")] = (lambda w: {"id": w.visit.pk}, None, frozenset())
# the partner view of parks (the target's own members read it; the target's partners share nothing with it)
CASES[("GET", T + "partner-resources/")] = (lambda w: {}, None, frozenset({"plain_member"}))
CASES[("GET", T + "partner-resources/{id}/")] = (lambda w: {"id": w.resource.pk}, None, frozenset())
CASES[("GET", T + "partner-resources/{id}/calendar/")] = (lambda w: {"id": w.resource.pk}, None, frozenset())
CASES[("GET", T + "partner-bookings/")] = (lambda w: {}, None, frozenset({"plain_member"}))
CASES[("GET", T + "partner-bookings/{id}/")] = (lambda w: {"id": w.booking.pk}, None, frozenset())
CASES[("POST", T + "partner-bookings/")] = (
    lambda w: {},
    lambda w: {
        "resource": w.resource.pk,
        "enterprise": w.a.pk,
        "starts_at": (timezone.now() + datetime.timedelta(days=9)).isoformat(),
        "ends_at": (timezone.now() + datetime.timedelta(days=9, hours=1)).isoformat(),
    },
    frozenset(),
)
CASES[("POST", T + "partner-bookings/{id}/cancel/")] = (lambda w: {"id": w.booking.pk}, None, frozenset())
CASES[("GET", T + "auditors/")] = (lambda w: {}, None, frozenset())
CASES[("POST", T + "auditors/")] = (lambda w: {}, lambda w: {"email": w.outsider.email}, frozenset())
CASES[("DELETE", T + "auditors/{id}/")] = (lambda w: {"id": w.auditor.pk}, None, frozenset())
# innovation: members read challenges' public summaries, accept terms, list their own submissions
# and the experts (none of it shows the confidential details or another's submission: SEES_TARGET_DATA)
C = T + "challenges/{id}/"
SOL = T + "challenges/{challenge_pk}/solutions/"
_challenge = lambda w: {"id": w.challenge.pk}  # noqa: E731
_solutions = lambda w: {"challenge_pk": w.challenge.pk}  # noqa: E731
_solution = lambda w: {"challenge_pk": w.challenge.pk, "id": w.solution.pk}  # noqa: E731
MEMBER_ONLY = frozenset({"plain_member"})
INNOVATION_CASES = {
    ("GET", T + "challenges/"): (lambda w: {}, None, MEMBER_ONLY),
    ("POST", T + "challenges/"): (
        lambda w: {},
        lambda w: {
            "seeker": w.a.pk,
            "title": "x",
            "summary": "x",
            "deadline": "2099-01-01T00:00:00Z",
            "award_amount": "50000.00",
            "rights": "licence",
        },
        frozenset(),
    ),
    ("GET", C): (_challenge, None, MEMBER_ONLY),
    ("GET", C + "details/"): (_challenge, None, frozenset()),
    ("POST", C + "accept-terms/"): (_challenge, lambda w: {}, MEMBER_ONLY),
    ("POST", C + "open/"): (_challenge, None, frozenset()),
    ("POST", C + "transition/"): (_challenge, lambda w: {"status": "evaluating"}, frozenset()),
    ("POST", C + "withdraw/"): (_challenge, lambda w: {"reason": "x"}, frozenset()),
    ("POST", C + "decide-withdrawal/"): (_challenge, lambda w: {"approve": True}, frozenset()),
    ("POST", C + "award/"): (_challenge, lambda w: {"solutions": [w.solution.pk]}, frozenset()),
    ("GET", SOL): (_solutions, None, MEMBER_ONLY),  # their own: none
    ("POST", SOL): (
        _solutions,
        lambda w: {"kind": "enterprise", "enterprise": w.d.pk, "title": "x", "body": "x"},
        frozenset(),  # the terms not accepted
    ),
    ("GET", SOL + "{id}/"): (_solution, None, frozenset()),
    ("PATCH", SOL + "{id}/"): (_solution, lambda w: {"title": "hacked"}, frozenset()),
    ("POST", SOL + "{id}/shortlist/"): (_solution, lambda w: {}, frozenset()),
    ("POST", SOL + "{id}/questions/"): (_solution, lambda w: {"question": "x"}, frozenset()),
    ("POST", SOL + "{id}/answer/"): (_solution, lambda w: {"question": w.question.pk, "answer": "x"}, frozenset()),
    ("POST", SOL + "{id}/files/"): (_solution, lambda w: {}, frozenset()),
    ("GET", SOL + "{id}/files/{file_id}/link/"): (
        lambda w: {**_solution(w), "file_id": w.solution_file.pk},
        None,
        frozenset(),
    ),
    ("GET", T + "experts/"): (lambda w: {}, None, MEMBER_ONLY),
    ("GET", T + "experts/{id}/"): (lambda w: {"id": w.expert.pk}, None, MEMBER_ONLY),
    ("POST", T + "experts/"): (lambda w: {}, lambda w: {"kind": "person", "name": "me"}, MEMBER_ONLY),  # their own
}
CASES.update(INNOVATION_CASES)
# --- knowledge library and search (innovation) ---
CASES[("GET", T + "search/")] = (lambda w: {"q": SECRET}, None, frozenset({"plain_member"}))
CASES[("GET", T + "knowledge/")] = (lambda w: {}, None, frozenset({"plain_member"}))
CASES[("POST", T + "knowledge/")] = (
    lambda w: {},
    lambda w: {"enterprise": w.a.pk, "kind": "guide", "title": "t", "body": "b"},
    frozenset(),
)
CASES[("GET", T + "knowledge/{id}/")] = (lambda w: {"id": w.knowledge.pk}, None, frozenset({"plain_member"}))
CASES[("PATCH", T + "knowledge/{id}/")] = (lambda w: {"id": w.knowledge.pk}, lambda w: {"title": "x"}, frozenset())
for knowledge_action, knowledge_body in (
    ("submit", None),
    ("consent", lambda w: {"enterprise": w.a.pk}),
    ("review", lambda w: {"approve": False}),
    ("withdraw", None),
    ("use", lambda w: {"kind": "helped"}),
):
    CASES[("POST", T + f"knowledge/{{id}}/{knowledge_action}/")] = (
        lambda w: {"id": w.knowledge.pk},
        knowledge_body,
        frozenset({"plain_member"}) if knowledge_action == "use" else frozenset(),  # any member may say it helped
    )
PUBLIC_REFERENCE = re.compile(r"^/api/v1/reference/")
#: operations whose answers legitimately show target data to these actors (default: members only)
SEES_TARGET_DATA = {
    ("GET", "/api/v1/enterprises/{id}/"): ALL_BUT_ANONYMOUS,  # an enterprise's public profile
    ("GET", "/api/v1/clusters/"): frozenset(),
    ("GET", "/api/v1/clusters/{slug}/"): frozenset(),
    ("GET", T + "bookings/"): frozenset(),  # a member lists only its own enterprises' bookings
    ("GET", T + "verifications/"): frozenset(),  # and only the visits to its own enterprises
    # a member who has not accepted the terms reads no details, and nobody else's submission
    **{op: frozenset() for op in INNOVATION_CASES},
}


def operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted((method.upper(), path) for path, item in schema["paths"].items() for method in item)


def test_every_operation_has_a_case():
    missing = [op for op in operations() if op not in CASES and not PUBLIC_REFERENCE.match(op[1])]
    assert not missing, f"operations without an isolation case: {missing}"


PARTNERSHIP_STATES = ("proposed", "in_force", "ended")


@pytest.mark.django_db
@pytest.mark.parametrize("partnership", PARTNERSHIP_STATES)
def test_no_actor_outside_reaches_the_target_cluster(partnership):
    """With the other cluster partnered with the target (pending, in force, and after it ended),
    its member (``other_member``) and administrator reach nothing unshared of the target."""
    w = build_world(partnership)
    users = {
        "anonymous": None,
        "outsider": w.outsider,
        "other_admin": w.other_admin,
        "other_member": w.other_member,
        "plain_member": w.plain_member,
    }
    failures = []
    for method, path in operations():
        if PUBLIC_REFERENCE.match(path):
            continue
        params, body, open_to = CASES[(method, path)]
        url = path.format(cluster_slug=w.target.slug, **params(w))
        for actor in ACTORS:
            client = APIClient()
            if users[actor] is not None:
                client.force_authenticate(users[actor])
            response = getattr(client, method.lower())(url, body(w) if body else None, format="json")
            sees = SEES_TARGET_DATA.get((method, path), open_to & {"plain_member"})
            if actor not in sees and SECRET in response.content.decode():
                failures.append(f"{method} {path} as {actor}: leaked target data ({response.status_code})")
            if actor in open_to:  # allowed by design (e.g. members browse the market, anyone lists their own)
                continue
            expected = {401} if actor == "anonymous" else {403, 404}
            if response.status_code not in expected:
                failures.append(f"{method} {path} as {actor}: {response.status_code}, expected {sorted(expected)}")
    # and through its own cluster's views, the partner's people reach nothing unshared of the target
    for user in (w.other_member, w.other_admin):
        client = APIClient()
        client.force_authenticate(user)
        segments = ("partner-listings/", "partnerships/", "matches/", "deals/", "orders/", "capacities/")
        for segment in (*segments, "partner-resources/", f"partner-resources/{w.resource.pk}/", "partner-bookings/"):
            response = client.get(f"/api/v1/clusters/{w.other.slug}/{segment}")
            expected = 404 if segment.startswith("partner-resources/") and segment != "partner-resources/" else 200
            if segment == "partner-bookings/" and user is w.other_admin:
                expected = 403  # a member's own bookings across: an administrator who is no member has none
            if response.status_code != expected or SECRET in response.content.decode():
                failures.append(f"GET other-cluster/{segment} as a partner: {response.status_code} or leaked")
    assert not failures, "\n".join(failures)


# --- Drafts: a draft is its owner's alone ---------------------------------------------------------

DRAFT = "DRAFTONLY"  # planted in the title of each draft of enterprise A
#: API path segment -> (world attribute, page kind)
LISTING_KINDS = {
    "orders": ("order", "order"),
    "capacities": ("capacity", "capacity"),
    "channel-offers": ("channel_offer", "channel_offer"),
    "channel-requests": ("channel_request", "channel_request"),
}


def add_drafts(w):
    """A draft of each kind, owned by enterprise A (a copy of the world's open listing)."""
    for attr, _page_kind in LISTING_KINDS.values():
        draft = type(getattr(w, attr)).objects.get(pk=getattr(w, attr).pk)
        draft.pk = None
        draft._state.adding = True
        draft.owner, draft.status, draft.title, draft.published_at = w.a, "draft", f"{DRAFT} {attr}", None
        draft.save()
        setattr(w, f"draft_{attr}", draft)
    return w


def logged_in(user):
    client = APIClient()
    client.force_login(user)  # a session, as browsers and the read-ahead use
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(LISTING_KINDS))
def test_a_draft_is_its_owners_alone_by_id_filter_and_page(kind):
    w = add_drafts(build_world())
    attr, page_kind = LISTING_KINDS[kind]
    draft = getattr(w, f"draft_{attr}")
    api = T.format(cluster_slug=w.target.slug) + kind + "/"
    page = f"/clusters/{w.target.slug}/market/{page_kind}/{draft.pk}/"
    queries = ("", "?status=draft", "?mine=true", f"?owner={w.a.pk}", "?ordering=-created_at")
    # another member of the same cluster, the other side of the market, an administrator
    for user in (w.plain_member, w.b_owner, w.admin):
        client = logged_in(user)
        for query in queries:
            response = client.get(api + query)
            assert response.status_code == 200, (user, query, response.content)
            assert DRAFT not in response.content.decode(), (user, query)
        assert client.get(api + "?status=draft").json()["count"] == 0
        assert client.get(f"{api}{draft.pk}/").status_code == 404
        # writes are the members' (an administrator is refused by role before the lookup)
        assert client.patch(f"{api}{draft.pk}/", {"title": "x"}, format="json").status_code in (403, 404)
        assert client.post(f"{api}{draft.pk}/transition/", {"status": "open"}, format="json").status_code in (403, 404)
        assert client.get(page).status_code == 404
        for market_page in (
            f"/clusters/{w.target.slug}/market/?kind={page_kind}",
            f"/clusters/{w.target.slug}/market/mine/?kind={page_kind}&show=all",
        ):
            response = client.get(market_page)
            assert response.status_code in (200, 403), market_page
            assert DRAFT not in response.content.decode()
    # the owner enterprise's people see it everywhere
    for user in (w.a_owner, w.a_staff):
        client = logged_in(user)
        assert [row["id"] for row in client.get(api + "?status=draft").json()["results"]] == [draft.pk]
        assert client.get(f"{api}{draft.pk}/").json()["title"] == draft.title
        assert client.get(page).status_code == 200


# --- Cached answers: two callers asking the same URL each get their own -----------------------


def _listing_urls(kind):
    attr = LISTING_KINDS[kind][0]

    def urls(w):
        base = T.format(cluster_slug=w.target.slug) + kind + "/"
        listing, draft = getattr(w, attr), getattr(w, f"draft_{attr}")
        return [
            base,
            base + "?mine=true",
            base + "?mine=false",
            base + "?status=draft",
            base + f"?owner={w.a.pk}",
            f"{base}{listing.pk}/",
            f"{base}{draft.pk}/",
        ]

    return urls


#: every cached view (``apps.core.cached_views``), and the reads every tenant request makes from
#: the cache (the cluster, the caller's user and roles) -> the URLs two callers ask in turn
CACHED_CASES = {
    "apps.marketplace.api.views.OrderViewSet": _listing_urls("orders"),
    "apps.marketplace.api.views.CapacityOfferViewSet": _listing_urls("capacities"),
    "apps.marketplace.api.views.ChannelOfferViewSet": _listing_urls("channel-offers"),
    "apps.marketplace.api.views.ChannelRequestViewSet": _listing_urls("channel-requests"),
    "access reads": lambda w: [
        "/api/v1/me/",
        T.format(cluster_slug=w.target.slug) + "administrators/",
        T.format(cluster_slug=w.target.slug) + "alerts/",
        f"/clusters/{w.target.slug}/market/",
        f"/clusters/{w.target.slug}/dashboard/",
    ],
}
#: the reads of ``generations.cached`` that every request makes, each keyed by what it depends on
#: (``apps/tenancy/selectors.py``: the cluster by slug, the roles by cluster and user;
#: ``apps/accounts/selectors.py``: the user by id)
ACCESS_READ = re.compile(r"^(cluster:[\w-]+|roles:\d+:\d+|user)$")
#: pairs of callers asking the same URL one after the other: different enterprises, and a
#: member and an administrator, both ways round
CALLER_PAIRS = (("a_owner", "b_owner"), ("b_owner", "a_owner"), ("a_owner", "admin"), ("admin", "a_owner"))


def cached_views() -> dict[str, type]:
    """The registry, once every view module is imported (the URLconf imports them all)."""
    from django.urls import get_resolver

    from apps.core.cached_views import CACHED_VIEWS

    get_resolver().url_patterns  # noqa: B018 -- imports every view module
    return CACHED_VIEWS


def test_every_cached_view_has_a_two_caller_case():
    assert set(CACHED_CASES) == {*cached_views(), "access reads"}


def test_only_registered_views_cache_their_answers():
    """A cached read outside the registry's modules (and the access reads) fails here at once."""
    import pathlib

    # the access reads, and the sessions (Django's cached_db, keyed by the session's own key)
    allowed = {"apps/tenancy/selectors.py", "apps/accounts/selectors.py", "apps/accounts/sessions.py"}
    allowed |= {cls.__module__.replace(".", "/") + ".py" for cls in cached_views().values()}
    root = pathlib.Path(__file__).resolve().parents[2]
    found = {
        str(path.relative_to(root))
        for path in (root / "apps").rglob("*.py")
        if re.search(r"generations\.cached\(|\bcache_page\(|@cache_page|cache\.set\(", path.read_text())
    }
    found -= {"apps/core/generations.py", "apps/core/health.py"}  # the mechanism itself; the health probe
    assert found <= allowed, f"cached reads outside the registry: {sorted(found - allowed)}"


CSRF_TOKEN = re.compile(rb"[A-Za-z0-9]{64}")  # masked afresh on every render of a page


def _answer(client, url):
    response = client.get(url)
    return response.status_code, CSRF_TOKEN.sub(b"<csrf>", response.content)


@pytest.mark.django_db
def test_every_cached_answer_through_the_api_is_registered(monkeypatch):
    """Walk every GET of the schema as a member and an administrator; any view whose answer
    came from ``generations.cached`` (beyond the access reads) must be in the registry."""
    from django.urls import resolve

    from apps.core import generations
    from apps.core.cached_views import is_cached_view

    w = add_drafts(build_world())
    seen = []
    original = generations.cached

    def spy(scopes, variant, compute, **kwargs):
        if not ACCESS_READ.match(variant):
            seen.append(variant)
        return original(scopes, variant, compute, **kwargs)

    monkeypatch.setattr(generations, "cached", spy)
    unregistered = []
    for method, path in operations():
        if method != "GET" or PUBLIC_REFERENCE.match(path):
            continue
        params, _body, _open_to = CASES[(method, path)]
        url = path.format(cluster_slug=w.target.slug, **params(w))
        for user in (w.a_owner, w.admin):
            seen.clear()
            _answer(logged_in(user), url)
            view = getattr(resolve(url).func, "cls", None)
            if seen and not (view is not None and is_cached_view(view)):
                unregistered.append(f"{path} ({view})")
    assert not unregistered, f"cached answers from unregistered views: {sorted(set(unregistered))}"


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(CACHED_CASES))
def test_a_cached_answer_is_never_served_to_another_caller(case):
    """For each URL of the case, the second caller gets what it would get from a cold cache,
    whoever asked just before; and the case proves something (some answers differ by caller)."""
    from django.core.cache import cache

    w = add_drafts(build_world())
    callers = {"a_owner": w.a_owner, "b_owner": w.b_owner, "admin": w.admin}
    clients = {name: logged_in(user) for name, user in callers.items()}
    failures, differing = [], 0
    for url in CACHED_CASES[case](w):
        cold = {}
        for name, client in clients.items():
            cache.clear()
            cold[name] = _answer(client, url)
        differing += len(set(cold.values())) > 1
        for first, second in CALLER_PAIRS:
            cache.clear()
            _answer(clients[first], url)
            warm = _answer(clients[second], url)
            if warm != cold[second]:
                failures.append(f"{url}: {second} after {first} got {warm[0]} {warm[1][:120]!r}")
    assert not failures, "\n".join(failures)
    assert differing, f"{case}: no URL answers two callers differently, so the case proves nothing"


# --- An enterprise's exact location is its own ----------------------------------------------------

HIDDEN_POINT = ("29.87654", "121.34567")  # enterprise B's own location, not any city's centre


@pytest.mark.django_db
def test_an_enterprise_location_reaches_no_other_enterprise(django_capture_on_commit_callbacks):
    """B posts capacity without coordinates (API and page), an order is matched against it;
    then every GET of the schema and the market pages, asked by another member, another
    enterprise's owner and an administrator, must not show B's own point."""
    from apps.membership.models import Enterprise
    from apps.reference.selectors import region_centre

    w = build_world()
    Enterprise.objects.filter(pk=w.b.pk).update(latitude=HIDDEN_POINT[0], longitude=HIDDEN_POINT[1])
    body = dict(LISTING_BODIES["capacities"])
    b = logged_in(w.b_owner)
    with django_capture_on_commit_callbacks(execute=True):
        posted = b.post(T.format(cluster_slug=w.target.slug) + "capacities/", {**body, "owner": w.b.pk}, format="json")
        assert posted.status_code == 201, posted.content
        browser = Client()
        browser.force_login(w.b_owner)
        page = browser.post(
            f"/clusters/{w.target.slug}/market/capacity/new/",
            {**body, "owner": w.b.pk, "min_order_quantity": 1, "region": ""},
        )
        assert page.status_code == 302, re.findall(r"errorlist.{0,300}", page.content.decode())
        logged_in(w.a_owner).post(
            T.format(cluster_slug=w.target.slug) + "orders/",
            {**LISTING_BODIES["orders"], "owner": w.a.pk, "title": "matched"},
            format="json",
        )
    offers = CapacityOffer.objects.filter(owner=w.b, title="x")
    assert offers.count() == 2
    centre = region_centre(w.b.region_code)
    assert all((offer.latitude, offer.longitude) == centre for offer in offers)  # the city, not the point
    urls = [f"/clusters/{w.target.slug}/market/?kind=capacity", f"/clusters/{w.target.slug}/matches/"]
    urls += [f"/clusters/{w.target.slug}/market/capacity/{offer.pk}/" for offer in offers]
    for method, path in operations():
        if method == "GET" and not PUBLIC_REFERENCE.match(path):
            params, _body, _open_to = CASES[(method, path)]
            urls.append(path.format(cluster_slug=w.target.slug, **params(w)))
    urls += [T.format(cluster_slug=w.target.slug) + f"capacities/{offer.pk}/" for offer in offers]
    urls.append(f"/api/v1/enterprises/{w.b.pk}/")
    leaks = []
    for user in (w.plain_member, w.a_owner, w.admin):
        client = logged_in(user)
        for url in urls:
            content = client.get(url).content.decode()
            leaks += [f"{url} as {user.email}" for value in HIDDEN_POINT if value in content]
    assert not leaks, leaks
    # B's own people still see their enterprise's point
    assert logged_in(w.b_owner).get(f"/api/v1/enterprises/{w.b.pk}/").json()["latitude"] == HIDDEN_POINT[0]
