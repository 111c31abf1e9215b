"""Platform staff change state in Django admin only through the services (issue 15 item 12).

Each action posts to a changelist as the admin's action bar does and calls the service the
cluster's pages call, row by row: the rows the lifecycle allows change (audited like any other
decision), the others are refused with the service's own reason, each reported on its own. A
row's name in admin shows its status by its label, not its code.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.governance.models import Proposal
from apps.marketplace.models import Deal, ListingStatus, Order
from apps.membership.models import AuditEvent, Membership, Report
from tests.factories import ClusterFactory, StaffFactory
from tests.factories.governance import ProposalFactory
from tests.factories.marketplace import DealFactory, OrderFactory
from tests.factories.membership import MembershipFactory, ReportFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def staff(client):
    user = StaffFactory(is_superuser=True)
    client.force_login(user)
    return client


def act(client, model: str, action: str, rows, reason: str = ""):
    """Post the action bar of ``model``'s changelist for ``rows``; the messages it answers, in order."""
    response = client.post(
        reverse(f"admin:{model}_changelist"),
        {"action": action, "_selected_action": [row.pk for row in rows], "index": "0", "reason": reason},
        follow=True,
        **EN,
    )
    assert response.status_code == 200
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def name(membership) -> str:
    return f"{membership.enterprise.name} @ {membership.cluster.slug}"


def test_the_changelists_offer_the_services_actions_and_a_reason_box(staff):
    MembershipFactory()
    page = staff.get(reverse("admin:membership_membership_changelist"), **EN)
    actions = page.context["cl"].model_admin.get_actions(page.wsgi_request)
    assert {"approve", "reject", "suspend", "reinstate", "expel"} <= set(actions)
    assert "delete_selected" not in actions
    assert 'name="reason"' in page.content.decode()
    page = staff.get(reverse("admin:membership_report_changelist"), **EN)
    assert {"resolve_dismiss", "resolve_warn", "resolve_suspend", "resolve_listing_removed"} <= set(
        page.context["cl"].model_admin.get_actions(page.wsgi_request)
    )
    page = staff.get(reverse("admin:marketplace_order_changelist"), **EN)
    assert "cancel" in page.context["cl"].model_admin.get_actions(page.wsgi_request)


def test_approve_changes_the_pending_applications_and_refuses_the_others_one_by_one(staff):
    cluster = ClusterFactory()
    pending = MembershipFactory(cluster=cluster, status=Membership.Status.PENDING)
    active = MembershipFactory(cluster=cluster)

    messages = act(staff, "membership_membership", "approve", [pending, active])

    assert sorted(messages) == sorted(
        [
            ("success", f"{name(pending)}: approved."),
            ("error", f"{name(active)}: refused — Cannot approve a membership that is active."),
        ]
    )
    pending.refresh_from_db()
    assert pending.status == Membership.Status.ACTIVE and pending.joined_at is not None
    # the service's own record of the decision, by the staff member
    event = AuditEvent.objects.get(membership=pending, action="membership.approve")
    assert event.actor.is_staff
    assert Membership.objects.get(pk=active.pk).status == Membership.Status.ACTIVE


def test_a_decision_that_needs_a_reason_is_refused_without_one_and_taken_with_it(staff):
    membership = MembershipFactory()

    assert act(staff, "membership_membership", "suspend", [membership]) == [
        ("error", f"{name(membership)}: refused — Give a reason: the enterprise will see it.")
    ]
    assert Membership.objects.get(pk=membership.pk).status == Membership.Status.ACTIVE

    messages = act(staff, "membership_membership", "suspend", [membership], reason="Unpaid fees since March.")
    assert messages == [("success", f"{name(membership)}: suspended.")]
    membership.refresh_from_db()
    assert (membership.status, membership.reason) == (Membership.Status.SUSPENDED, "Unpaid fees since March.")
    assert act(staff, "membership_membership", "reinstate", [membership]) == [
        ("success", f"{name(membership)}: reinstated.")
    ]


def test_resolving_a_report_goes_through_the_moderation_service(staff):
    report = ReportFactory()
    assert act(staff, "membership_report", "resolve_dismiss", [report], reason="")[0][0] == "error"
    assert Report.objects.get(pk=report.pk).status == Report.Status.OPEN

    messages = act(staff, "membership_report", "resolve_dismiss", [report], reason="The batch met the spec.")
    assert messages == [("success", f"{Report.objects.get(pk=report.pk)}: dismissed.")]
    report.refresh_from_db()
    assert (report.status, report.resolution_reason) == (Report.Status.DISMISSED, "The batch met the spec.")
    assert AuditEvent.objects.filter(report=report, action="report.dismiss").exists()

    again = act(staff, "membership_report", "resolve_warn", [report], reason="Second thoughts.")
    assert again == [("error", f"{report}: refused — This report is already resolved (dismissed).")]
    # a report that names no listing has no listing to remove
    other = ReportFactory()
    refused = act(staff, "membership_report", "resolve_listing_removed", [other], reason="Fake listing.")
    assert refused == [("error", f"{other}: refused — This report names no listing; there is no listing to remove.")]


def test_cancelling_listings_takes_the_open_ones_off_the_market_and_refuses_the_cancelled(staff):
    open_order = OrderFactory()
    cancelled = OrderFactory(status=ListingStatus.CANCELLED)

    messages = act(staff, "marketplace_order", "cancel", [open_order, cancelled])

    assert sorted(messages) == sorted(
        [
            ("success", f"{open_order.title}: cancelled."),
            ("error", f"{cancelled.title}: refused — The listing is already cancelled; there is nothing to remove."),
        ]
    )
    assert Order.objects.get(pk=open_order.pk).status == ListingStatus.CANCELLED


def test_tallying_counts_a_closed_vote_and_refuses_an_open_one(staff):
    cluster = ClusterFactory()
    closed = ProposalFactory(
        cluster=cluster,
        status=Proposal.Status.VOTING,
        voting_opens_at=timezone.now() - datetime.timedelta(days=4),
        voting_closes_at=timezone.now() - datetime.timedelta(minutes=1),
        electorate=[],
    )
    still_open = ProposalFactory(
        cluster=cluster,
        status=Proposal.Status.VOTING,
        voting_opens_at=timezone.now() - datetime.timedelta(days=1),
        voting_closes_at=timezone.now() + datetime.timedelta(days=2),
        electorate=[],
    )

    messages = act(staff, "governance_proposal", "tally", [closed, still_open])

    assert sorted(messages) == sorted(
        [
            ("success", f"{closed.title}: tallied."),
            ("error", f"{still_open.title}: refused — The window is still open: the vote is counted once it closes."),
        ]
    )
    closed.refresh_from_db()
    assert closed.status == Proposal.Status.REJECTED and closed.tallied_at is not None  # no seat voted
    assert Proposal.objects.get(pk=still_open.pk).status == Proposal.Status.VOTING
    assert act(staff, "governance_proposal", "tally", [closed]) == [
        ("error", f"{closed.title}: refused — A proposal that is rejected cannot be tallied.")
    ]


def test_a_rows_name_shows_its_status_by_its_label(staff):
    deal = DealFactory()
    assert str(deal) == f"deal {deal.pk} (Confirmed)"
    page = staff.get(reverse("admin:marketplace_deal_changelist"), **EN).content.decode()
    assert f"deal {deal.pk} (Confirmed)" in page and f"deal {deal.pk} (confirmed)" not in page
    membership = MembershipFactory(status=Membership.Status.PENDING)
    assert str(membership).endswith(": Pending") or str(membership).endswith(f": {Membership.Status.PENDING.label}")
    assert str(ReportFactory()).startswith(str(Report.Category.QUALITY.label))
    assert str(Deal.Status.CONFIRMED.label) in str(deal)
