"""Reports cannot be used to get a competitor suspended (issue 13, item 4).

Automatic measures count distinct reporting enterprises; one enterprise's reports against the
same target collapse; a report needs a category and a reason; reaching the threshold proposes a
suspension that an administrator confirms or dismisses, unless the rulebook says to suspend at
once; and reporting is rate-limited per person and per enterprise. Through the API and the pages.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from apps.membership.models import AuditEvent, EnterpriseMember, Membership, Report, SuspensionProposal
from apps.notifications.models import Notification
from apps.tenancy.rules import rules_in_force
from tests.factories.governance import RuleVersionFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory, PersonFactory, ReportFactory
from tests.marketplace.conftest import order_fields

pytestmark = pytest.mark.django_db

REASON = "Threads break after washing; batch 2026-11-03."


def reports_url(world):
    return f"/api/v1/clusters/{world.cluster.slug}/reports/"


def membership_url(world, membership, action=""):
    path = f"/api/v1/clusters/{world.cluster.slug}/memberships/{membership.pk}/"
    return f"{path}{action}/" if action else path


def enact(world, **changes):
    """A rulebook version in force for the world's cluster with ``changes`` ("." in keys as "__")."""
    changes = {key.replace("__", "."): value for key, value in changes.items()}
    RuleVersionFactory(cluster=world.cluster, number=1, values={**rules_in_force(None), **changes}, changes=changes)


def new_member(world):
    """Another active member enterprise of the cluster, with its owner."""
    enterprise = EnterpriseFactory()
    MembershipFactory(cluster=world.cluster, enterprise=enterprise)
    return EnterpriseMember.objects.get(enterprise=enterprise, role="owner").user, enterprise


def file(as_user, world, user, reporter, subject=None, **body):
    payload = {"reporter": reporter.pk, "category": "quality", "reason": REASON, **body}
    if subject is not None:
        payload["subject"] = subject.pk
    return as_user(user).post(reports_url(world), payload)


def status_of(membership) -> str:
    membership.refresh_from_db()
    return membership.status


# --- Distinct enterprises, collapsed duplicates -------------------------------------------------


def test_three_reports_by_one_enterprise_suspend_nobody(as_user, world):
    # three people of the same enterprise, three listings and the member itself: one enterprise
    colleagues = [world.owner, world.staff_person, PersonFactory(enterprise=world.member, role="admin").user]
    from apps.marketplace.services.listings import listing_create

    orders = [
        listing_create(
            actor=world.peer_owner, cluster=world.cluster, listing_kind="order", owner=world.peer, **order_fields()
        )
        for _ in range(2)
    ]
    assert file(as_user, world, colleagues[0], world.member, world.peer).status_code == 201
    for user, order in zip(colleagues[1:], orders, strict=True):
        response = file(as_user, world, user, world.member, listing_kind="order", listing_id=order.pk)
        assert response.status_code == 201, response.content
    assert Report.objects.filter(subject=world.peer, status="open").count() == 3
    assert status_of(world.peer_membership) == "active"
    assert not SuspensionProposal.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="membership.suspen").exists()


def test_a_second_open_report_of_an_enterprise_about_the_same_member_is_refused(as_user, world):
    first = file(as_user, world, world.owner, world.member, world.peer)
    assert first.status_code == 201
    events = AuditEvent.objects.count()
    again = file(as_user, world, world.staff_person, world.member, world.peer, category="fraud")
    assert again.status_code == 409
    body = again.json()
    assert body["code"] == "duplicate_report" and list(body["errors"]) == ["subject"]
    assert str(first.json()["id"]) in body["detail"]
    assert Report.objects.count() == 1 and AuditEvent.objects.count() == events
    # once the first is resolved, the enterprise may report again
    as_user(world.admin).post(
        f"{reports_url(world)}{first.json()['id']}/resolve/", {"resolution": "warn", "reason": "Ok"}
    )
    assert file(as_user, world, world.owner, world.member, world.peer).status_code == 201


def test_a_second_report_on_the_page_is_refused_on_the_form(client, world):
    ReportFactory(cluster=world.cluster, reporter=world.member, subject=world.peer)
    client.force_login(world.owner)
    url = reverse("report-create", args=[world.cluster.slug]) + f"?subject={world.peer.pk}"
    response = client.post(url, {"reporter": world.member.pk, "category": "spam", "reason": REASON})
    assert response.status_code == 409
    assert "already has an open report" in response.context["form"].non_field_errors()[0]
    assert Report.objects.count() == 1


# --- Category and reason --------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", "bad", "too short"])
def test_a_report_needs_a_reason_api(as_user, world, reason):
    response = file(as_user, world, world.owner, world.member, world.peer, reason=reason)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]
    assert not Report.objects.exists()


def test_a_report_needs_a_category_and_a_reason_api(as_user, world):
    response = as_user(world.owner).post(reports_url(world), {"reporter": world.member.pk, "subject": world.peer.pk})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"category", "reason"}


def test_the_former_field_name_text_is_still_accepted(as_user, world):
    response = as_user(world.owner).post(
        reports_url(world), {"reporter": world.member.pk, "subject": world.peer.pk, "category": "spam", "text": REASON}
    )
    assert response.status_code == 201, response.content
    assert response.json()["text"] == REASON
    short = as_user(world.peer_owner).post(
        reports_url(world), {"reporter": world.peer.pk, "subject": world.member.pk, "category": "spam", "text": "x"}
    )
    assert short.status_code == 400 and list(short.json()["errors"]) == ["reason"]


@pytest.mark.parametrize("reason", ["", "   ", "too short"])
def test_a_report_needs_a_reason_page(client, world, reason):
    client.force_login(world.owner)
    url = reverse("report-create", args=[world.cluster.slug]) + f"?subject={world.peer.pk}"
    response = client.post(url, {"reporter": world.member.pk, "category": "spam", "reason": reason})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"reason"}
    assert not Report.objects.exists()


def test_the_service_refuses_a_blank_reason_whatever_the_caller():
    from apps.core.errors import DomainError
    from apps.membership.services.reports import check_report_reason

    for reason in ("", "  \n ", "short"):
        with pytest.raises(DomainError) as refused:
            check_report_reason(reason)
        assert refused.value.field == "reason"
    assert check_report_reason("  Late delivery twice  ") == "Late delivery twice"


# --- Proposed suspension, confirmed or dismissed --------------------------------------------------


def three_enterprises_report(as_user, world, subject=None):
    subject = subject or world.peer
    for _ in range(3):  # the default threshold
        user, enterprise = new_member(world)
        assert file(as_user, world, user, enterprise, subject).status_code == 201


def test_three_enterprises_propose_a_suspension_that_an_administrator_confirms(as_user, world):
    three_enterprises_report(as_user, world)
    assert status_of(world.peer_membership) == "active"  # still active: it waits for a decision
    proposal = SuspensionProposal.objects.get()
    assert (proposal.status, proposal.reporters, proposal.cluster) == ("proposed", 3, world.cluster)
    event = AuditEvent.objects.get(action="membership.suspension_proposed")
    assert event.membership == world.peer_membership and event.actor is None
    assert Notification.objects.filter(user=world.admin, kind="report.suspension_proposed").exists()
    assert not Notification.objects.filter(user=world.peer_owner, kind="membership.suspend").exists()

    # the administrators see it in the moderation queue (API and page); the member does not
    queue = as_user(world.admin).get(f"/api/v1/clusters/{world.cluster.slug}/memberships/?status=active").json()
    shown = {row["id"]: row["suspension_proposal"] for row in queue["results"]}
    assert shown[world.peer_membership.pk]["reporters"] == 3
    assert shown[world.membership.pk] is None
    mine = as_user(world.peer_owner).get(membership_url(world, world.peer_membership)).json()
    assert mine["suspension_proposal"] is None
    # a fourth enterprise does not open a second proposal
    user, enterprise = new_member(world)
    assert file(as_user, world, user, enterprise, world.peer).status_code == 201
    assert SuspensionProposal.objects.count() == 1

    # only administrators decide
    for user in (world.owner, world.peer_owner, world.other_admin):
        assert as_user(user).post(membership_url(world, world.peer_membership, "confirm-suspension")).status_code == 403
    response = as_user(world.admin).post(
        membership_url(world, world.peer_membership, "confirm-suspension"), {"reason": "Checked the batches"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "suspended" and response.json()["suspension_proposal"] is None
    assert status_of(world.peer_membership) == "suspended"
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by, proposal.decision_reason) == (
        "confirmed",
        world.admin,
        "Checked the batches",
    )
    confirmed = AuditEvent.objects.get(action="membership.suspension_confirmed")
    assert (confirmed.actor, confirmed.after) == (world.admin, {"proposal": "confirmed", "status": "suspended"})
    assert AuditEvent.objects.filter(action="membership.suspend", actor=world.admin).exists()
    assert Notification.objects.filter(user=world.peer_owner, kind="membership.suspend").exists()
    # decided once
    again = as_user(world.admin).post(membership_url(world, world.peer_membership, "confirm-suspension"))
    assert again.status_code == 409 and again.json()["code"] == "no_proposal"


def test_a_dismissed_proposal_keeps_the_member_and_resets_the_count(as_user, world):
    three_enterprises_report(as_user, world)
    url = membership_url(world, world.peer_membership, "dismiss-suspension")
    no_reason = as_user(world.admin).post(url, {"reason": " "})
    assert no_reason.status_code == 400 and list(no_reason.json()["errors"]) == ["reason"]
    response = as_user(world.admin).post(url, {"reason": "A coordinated campaign by competitors"})
    assert response.status_code == 200, response.content
    assert status_of(world.peer_membership) == "active"
    assert SuspensionProposal.objects.get().status == "dismissed"
    event = AuditEvent.objects.get(action="membership.suspension_dismissed")
    assert (event.actor, event.reason) == (world.admin, "A coordinated campaign by competitors")
    assert Notification.objects.filter(user=world.admin, kind="report.suspension_dismissed").exists()
    # the reports dismissed with the proposal no longer count; three new enterprises propose again
    user, enterprise = new_member(world)
    assert file(as_user, world, user, enterprise, world.peer).status_code == 201
    assert SuspensionProposal.objects.filter(status="proposed").count() == 0
    three_enterprises_report(as_user, world)
    assert SuspensionProposal.objects.filter(status="proposed").count() == 1


def test_an_administrator_confirms_and_dismisses_from_the_moderation_queue(client, as_user, world):
    three_enterprises_report(as_user, world)
    other = MembershipFactory(cluster=world.cluster).enterprise
    three_enterprises_report(as_user, world, subject=other)
    other_membership = Membership.objects.get(cluster=world.cluster, enterprise=other)
    client.force_login(world.admin)
    queue = reverse("moderation-queue", args=[world.cluster.slug])
    page = client.get(queue, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200 and "Suspensions proposed by reports" in html
    assert f'data-testid="proposed-suspension-{world.peer_membership.pk}"' in html
    decide = reverse("suspension-decide", args=[world.cluster.slug, world.peer_membership.pk])
    assert decide in html

    # members cannot decide
    client.force_login(world.owner)
    assert client.post(decide, {"decision": "confirm"}).status_code == 403
    client.force_login(world.admin)
    response = client.post(decide, {"decision": "confirm", "reason": ""}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert any("is suspended" in str(m) for m in response.context["messages"])
    assert status_of(world.peer_membership) == "suspended"
    dismiss = reverse("suspension-decide", args=[world.cluster.slug, other_membership.pk])
    refused = client.post(dismiss, {"decision": "dismiss", "reason": ""}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert any("reason" in str(m) for m in refused.context["messages"])
    client.post(dismiss, {"decision": "dismiss", "reason": "Unfounded"})
    assert status_of(other_membership) == "active"
    assert not SuspensionProposal.objects.filter(status="proposed").exists()
    assert "Suspensions proposed by reports" not in client.get(queue, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_rulebook_may_suspend_without_review(as_user, world):
    enact(world, moderation__auto_suspend_without_review=True)
    three_enterprises_report(as_user, world)
    assert status_of(world.peer_membership) == "suspended"
    assert not SuspensionProposal.objects.exists()
    event = AuditEvent.objects.get(membership=world.peer_membership, action="membership.suspend.automatic")
    assert event.actor is None and event.reason_code == "reported_suspended"
    with translation.override("en"):
        assert "3 enterprises" in event.reason_text
    assert Notification.objects.filter(user=world.peer_owner, kind="membership.suspend").exists()


def test_the_threshold_is_the_rulebooks(as_user, world):
    enact(world, moderation__open_reports_to_suspend=2)
    user, enterprise = new_member(world)
    assert file(as_user, world, user, enterprise, world.peer).status_code == 201
    assert not SuspensionProposal.objects.exists()
    assert file(as_user, world, world.owner, world.member, world.peer).status_code == 201
    assert SuspensionProposal.objects.get().reporters == 2


def test_a_listing_report_counts_for_its_owner(as_user, world):
    from apps.marketplace.services.listings import listing_create

    order = listing_create(
        actor=world.peer_owner, cluster=world.cluster, listing_kind="order", owner=world.peer, **order_fields()
    )
    for _ in range(2):
        user, enterprise = new_member(world)
        assert file(as_user, world, user, enterprise).status_code == 400  # names nothing
        assert file(as_user, world, user, enterprise, listing_kind="order", listing_id=order.pk).status_code == 201
    assert file(as_user, world, world.owner, world.member, world.peer).status_code == 201
    assert SuspensionProposal.objects.get().reporters == 3


# --- Rate limit -----------------------------------------------------------------------------------


def test_reporting_is_rate_limited_per_enterprise_api(as_user, world):
    enact(world, moderation__reports_per_day=2)
    subjects = [new_member(world)[1] for _ in range(3)]
    assert file(as_user, world, world.owner, world.member, subjects[0]).status_code == 201
    assert file(as_user, world, world.staff_person, world.member, subjects[1]).status_code == 201
    # a colleague of the same enterprise: the enterprise's limit
    response = file(as_user, world, world.staff_person, world.member, subjects[2])
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 24 * 3600
    assert Report.objects.count() == 2
    # the window slides: reports older than 24 hours no longer count
    Report.objects.update(created_at=timezone.now() - datetime.timedelta(hours=24, minutes=1))
    assert file(as_user, world, world.owner, world.member, subjects[2]).status_code == 201


def test_reporting_is_rate_limited_per_person(as_user, world):
    enact(world, moderation__reports_per_day=1)
    # one person acting for two enterprises
    PersonFactory(enterprise=world.peer, user=world.owner, role="staff")
    assert file(as_user, world, world.owner, world.member, new_member(world)[1]).status_code == 201
    response = file(as_user, world, world.owner, world.peer, new_member(world)[1])
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_reporting_is_rate_limited_on_the_page(client, world):
    enact(world, moderation__reports_per_day=1)
    ReportFactory(cluster=world.cluster, reporter=world.member, subject=world.applicant, reported_by_user=world.owner)
    client.force_login(world.owner)
    url = reverse("report-create", args=[world.cluster.slug]) + f"?subject={world.peer.pk}"
    response = client.post(
        url, {"reporter": world.member.pk, "category": "spam", "reason": REASON}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "24 hours" in response.content.decode()
    assert Report.objects.count() == 1


def test_the_platforms_reason_reads_in_the_readers_language(as_user, world):
    """An automatic suspension stores why as a code + numbers: the audit trail and the membership read it
    in the language of whoever reads them, not of whoever filed the last report."""
    enact(world, moderation__auto_suspend_without_review=True)
    three_enterprises_report(as_user, world)
    msgid = "Suspended pending review: %(count)d enterprises reported it (the cluster's limit is %(limit)d)."
    with translation.override("zh-hans"):
        chinese = translation.gettext(msgid) % {"count": 3, "limit": 3}
    english = msgid % {"count": 3, "limit": 3}
    assert chinese != english
    admin = as_user(world.admin)
    audit = f"/api/v1/clusters/{world.cluster.slug}/audit-events/?page_size=100"
    for language, expected in (("en", english), ("zh-hans", chinese)):
        events = admin.get(audit, HTTP_ACCEPT_LANGUAGE=language).json()["results"]
        automatic = [e for e in events if e["action"] == "membership.suspend.automatic"]
        assert [(e["reason"], e["reason_code"]) for e in automatic] == [(expected, "reported_suspended")]
        membership = admin.get(
            f"/api/v1/clusters/{world.cluster.slug}/memberships/{world.peer_membership.pk}/",
            HTTP_ACCEPT_LANGUAGE=language,
        ).json()
        assert membership["reason"] == expected
    notice = Notification.objects.get(user=world.peer_owner, kind="membership.suspend")
    with translation.override("en"):
        assert notice.rendered_body == f"Reason: {english}"
