"""The council's decisions are real: a passed rule change changes matching; nothing else does."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from apps.governance.chain import chain_verify
from apps.governance.models import ChainEntry, Proposal, RuleVersion, Vote
from apps.governance.services.voting import proposal_close, proposals_remind_closing
from apps.membership.models import Membership
from apps.tenancy.rules import rules_in_force
from tests.factories import UserFactory
from tests.factories.governance import RuleVersionFactory
from tests.governance.conftest import proposal_in_vote

pytestmark = pytest.mark.django_db


def propose(as_user, council, changes, kind="rule_change", **extra):
    author = as_user(council.members[0])
    response = author.post(
        council.url("proposals/"),
        {
            "kind": kind,
            "title": "Weigh price more",
            "body": "Buyers ask for cheaper offers.",
            "changes": changes,
            **extra,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert author.post(council.url(f"proposals/{pk}/submit/")).status_code == 200
    response = author.post(council.url(f"proposals/{pk}/open-voting/"), {}, format="json")
    assert response.status_code == 200, response.content
    return Proposal.objects.get(pk=pk)


def vote(as_user, council, proposal, member, choice):
    return as_user(member).post(council.url(f"proposals/{proposal.pk}/votes/"), {"choice": choice}, format="json")


def close(proposal):
    return proposal_close(proposal_id=proposal.pk, now=proposal.voting_closes_at + datetime.timedelta(seconds=1))


def test_a_passed_rule_change_changes_the_next_matching_run(as_user, council):
    from apps.matching.planner import matching_rules

    assert matching_rules(cluster=council.cluster, today=timezone.localdate()).weights["price"] == 0.25
    proposal = propose(as_user, council, {"matching.weight.price": 0.4})
    for member, choice in zip(council.members, ["yes", "yes", "no"], strict=True):
        assert vote(as_user, council, proposal, member, choice).status_code == 201
    # while the window is open, nobody sees the result or others' votes
    detail = as_user(council.members[0]).get(council.url(f"proposals/{proposal.pk}/")).json()
    assert detail["result"] == {}
    assert len(as_user(council.members[0]).get(council.url(f"proposals/{proposal.pk}/votes/")).json()["results"]) == 1

    close(proposal)
    proposal.refresh_from_db()
    assert proposal.status == "enacted"
    detail = as_user(council.member_owner).get(council.url(f"proposals/{proposal.pk}/")).json()
    assert {k: detail["result"][k] for k in ("seats", "cast", "yes", "no", "abstain", "quorum_met", "passed")} == {
        "seats": 3,
        "cast": 3,
        "yes": 2,
        "no": 1,
        "abstain": 0,
        "quorum_met": True,
        "passed": True,
    }
    rules = as_user(council.member_owner).get(council.url("rules/")).json()
    assert rules["version"] == 1 and rules["proposal"] == proposal.pk
    assert next(r for r in rules["rules"] if r["key"] == "matching.weight.price")["value"] == 0.4
    history = as_user(council.member_owner).get(council.url("rules/history/")).json()
    assert history["count"] == 1
    assert history["results"][0]["changes"] == {"matching.weight.price": 0.4}
    # the engine now reads the new weight
    assert matching_rules(cluster=council.cluster, today=timezone.localdate()).weights["price"] == 0.4
    # enacting twice is harmless
    close(proposal)
    assert RuleVersion.objects.filter(cluster=council.cluster).count() == 1


def test_a_failed_quorum_leaves_the_rulebook_unchanged(as_user, council):
    proposal = propose(as_user, council, {"moderation.open_reports_to_suspend": 5})
    vote(as_user, council, proposal, council.members[0], "yes")  # 1 of 3 seats: below the 50 % quorum
    close(proposal)
    proposal.refresh_from_db()
    assert proposal.status == "rejected"
    assert proposal.result["quorum_met"] is False
    assert not RuleVersion.objects.exists()
    assert rules_in_force(council.cluster)["moderation.open_reports_to_suspend"] == 3


def test_votes_are_refused_outside_the_rules(as_user, council):
    proposal = propose(as_user, council, {"matching.price_tolerance": 0.2})
    # a non-holder, a member without a seat, an administrator of another cluster
    assert vote(as_user, council, proposal, UserFactory(), "yes").status_code == 403
    assert vote(as_user, council, proposal, council.member_owner, "yes").status_code == 403
    assert vote(as_user, council, proposal, council.outsider_admin, "yes").status_code == 403
    # a holder whose term has ended
    seat = council.seats[2]
    seat.term_end = timezone.now() - datetime.timedelta(seconds=1)
    seat.save(update_fields=["term_end"])
    assert vote(as_user, council, proposal, council.members[2], "yes").status_code == 403
    # a bad choice
    response = vote(as_user, council, proposal, council.members[0], "maybe")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["choice"]
    # changing a vote keeps one vote per seat
    assert vote(as_user, council, proposal, council.members[0], "yes").status_code == 201
    assert vote(as_user, council, proposal, council.members[0], "no").status_code == 201
    assert Vote.objects.get(proposal=proposal, seat=council.seats[0]).choice == "no"
    assert Vote.objects.filter(proposal=proposal).count() == 1
    # after the window
    close(proposal)
    assert vote(as_user, council, proposal, council.members[1], "yes").status_code == 409


def test_votes_cannot_change_when_the_charter_says_so(as_user, council):
    RuleVersionFactory(
        cluster=council.cluster,
        number=1,
        values={**rules_in_force(None), "governance.votes_changeable": False},
        changes={"governance.votes_changeable": False},
    )
    proposal = propose(as_user, council, {"matching.price_tolerance": 0.2})
    assert vote(as_user, council, proposal, council.members[0], "yes").status_code == 201
    response = vote(as_user, council, proposal, council.members[0], "no")
    assert response.status_code == 409 and response.json()["code"] == "already_voted"


@pytest.mark.parametrize(
    ("changes", "kind", "field"),
    [
        ({"matching.weight.price": 1.5}, "rule_change", "changes.matching.weight.price"),
        ({"matching.weight.price": "heavy"}, "rule_change", "changes.matching.weight.price"),
        ({"moderation.open_reports_to_suspend": 2.5}, "rule_change", "changes.moderation.open_reports_to_suspend"),
        ({"no.such.rule": 1}, "rule_change", "changes.no.such.rule"),
        ({"governance.quorum": 0.3}, "rule_change", "changes.governance.quorum"),  # charter keys need a charter change
        ({"matching.weight.price": 0.3}, "charter_change", "changes.matching.weight.price"),
        ({}, "rule_change", "changes"),
        ({"matching.weight.price": 0.3}, "policy", "changes"),
    ],
)
def test_out_of_range_or_misplaced_changes_are_400_at_drafting(as_user, council, changes, kind, field):
    response = as_user(council.members[0]).post(
        council.url("proposals/"), {"kind": kind, "title": "t", "body": "b", "changes": changes}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert not Proposal.objects.exists()


def test_only_seat_holders_draft_and_only_authors_amend(as_user, council):
    body = {"kind": "policy", "title": "Code of conduct", "body": "Be fair."}
    assert as_user(council.member_owner).post(council.url("proposals/"), body, format="json").status_code == 403
    pk = as_user(council.members[0]).post(council.url("proposals/"), body, format="json").json()["id"]
    assert as_user(council.members[1]).patch(
        council.url(f"proposals/{pk}/"), {"body": "x"}, format="json"
    ).status_code in (403, 404)
    response = as_user(council.members[0]).patch(
        council.url(f"proposals/{pk}/"), {"body": "Be fair and pay on time."}, format="json"
    )
    assert response.status_code == 200
    assert [r["body"] for r in response.json()["revisions"]] == ["Be fair.", "Be fair and pay on time."]
    # drafts are private to their author
    assert as_user(council.member_owner).get(council.url(f"proposals/{pk}/")).status_code == 404


def test_charter_change_needs_two_thirds_of_all_seats(as_user, council):
    proposal = propose(as_user, council, {"governance.quorum": 0.6}, kind="charter_change")
    vote(as_user, council, proposal, council.members[0], "yes")
    vote(as_user, council, proposal, council.members[1], "abstain")
    close(proposal)
    proposal.refresh_from_db()
    assert proposal.status == "rejected"  # 1 yes of 3 seats < 2/3, though no one voted no
    assert proposal.result["threshold_basis"] == "seats"

    second = propose(as_user, council, {"governance.quorum": 0.6}, kind="charter_change")
    vote(as_user, council, second, council.members[0], "yes")
    vote(as_user, council, second, council.members[1], "yes")
    close(second)
    second.refresh_from_db()
    assert second.status == "enacted"
    assert rules_in_force(council.cluster)["governance.quorum"] == 0.6


def test_per_chamber_quorum(as_user, council):
    RuleVersionFactory(
        cluster=council.cluster,
        number=1,
        values={**rules_in_force(None), "governance.per_chamber_quorum": True},
        changes={"governance.per_chamber_quorum": True},
    )
    proposal = propose(as_user, council, {"matching.price_tolerance": 0.2})
    vote(as_user, council, proposal, council.members[0], "yes")
    vote(as_user, council, proposal, council.members[1], "yes")  # two of three chambers voted
    close(proposal)
    proposal.refresh_from_db()
    assert proposal.status == "rejected"
    assert proposal.result["chambers"]["member_representatives"]["met"] is False


def test_a_sanction_goes_through_the_membership_services(as_user, council):
    proposal = propose(
        as_user, council, {}, kind="sanction", sanction_membership=council.membership.pk, sanction_action="suspend"
    )
    for member in council.members[:2]:
        vote(as_user, council, proposal, member, "yes")
    close(proposal)
    council.membership.refresh_from_db()
    assert council.membership.status == Membership.Status.SUSPENDED
    assert council.membership.events.filter(action="membership.suspend.automatic").exists()


def test_other_clusters_get_nothing(as_user, council):
    proposal = propose(as_user, council, {"matching.weight.price": 0.3})
    for path in ("proposals/", f"proposals/{proposal.pk}/", "council/seats/", "rules/", "rules/history/"):
        response = as_user(council.outsider_admin).get(council.url(path))
        assert response.status_code == 403
        assert "Weigh price more" not in response.content.decode()
    assert as_user(None).get(council.url("rules/")).status_code == 401


def test_the_chain_records_votes_and_verifies(as_user, council):
    """Tampering, checkpoints and the database's refusals: tests/governance/test_chain.py."""
    proposal = propose(as_user, council, {"matching.weight.price": 0.3})
    for member in council.members:
        vote(as_user, council, proposal, member, "yes")
    close(proposal)
    kinds = list(ChainEntry.objects.filter(cluster=council.cluster).values_list("kind", flat=True))
    assert kinds.count("vote") == 3 and "proposal.tally" in kinds and "rulebook.version" in kinds
    verify = as_user(council.admin).get(council.url("audit-chain/verify/")).json()
    assert verify["ok"] is True and verify["entries"] == len(kinds) and verify["checkpoint"] is None
    assert as_user(council.member_owner).get(council.url("audit-chain/verify/")).status_code == 403


def test_the_verify_command_reports_an_intact_chain_and_its_checkpoint(council, capsys):
    from django.core.management import call_command

    from apps.governance.chain import checkpoint_create

    call_command("verify_audit_chain", council.cluster.slug)
    assert "chain intact, no checkpoint yet" in capsys.readouterr().out
    checkpoint, _ = checkpoint_create(cluster=council.cluster)
    call_command("verify_audit_chain", council.cluster.slug)
    assert f"chain intact, checkpoint at entry {checkpoint.sequence}" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent requests need PostgreSQL row locks")
def test_two_concurrent_votes_by_one_seat_count_once(council):
    from django.test import Client

    proposal = proposal_in_vote(council)
    barrier = threading.Barrier(2)
    statuses = []

    def cast(choice):
        client = Client()
        client.force_login(council.members[1])
        barrier.wait()
        statuses.append(
            client.post(
                council.url(f"proposals/{proposal.pk}/votes/"), {"choice": choice}, content_type="application/json"
            ).status_code
        )
        connections.close_all()

    threads = [threading.Thread(target=cast, args=(c,)) for c in ("yes", "no")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(statuses) == [201, 201]  # votes may be changed: the second replaces the first
    assert Vote.objects.filter(proposal=proposal).count() == 1
    assert chain_verify(cluster=council.cluster).ok


def test_closing_reminder_is_sent_once(as_user, council):
    from apps.notifications.models import Notification

    proposal = propose(as_user, council, {"matching.weight.price": 0.3})
    Proposal.objects.filter(pk=proposal.pk).update(voting_closes_at=timezone.now() + datetime.timedelta(hours=5))
    vote(as_user, council, proposal, council.members[0], "yes")
    assert proposals_remind_closing() == 1
    assert proposals_remind_closing() == 0
    reminded = set(Notification.objects.filter(kind="governance.voting_closes_soon").values_list("user_id", flat=True))
    assert reminded == {council.members[1].pk, council.members[2].pk}
    assert Notification.objects.filter(kind="governance.voting_opened").count() == 3


def test_a_change_scheduled_for_later_is_not_undone_by_one_enacted_before_it(as_user, council):
    later = timezone.now() + datetime.timedelta(days=30)
    scheduled = propose(as_user, council, {"matching.weight.price": 0.4}, effective_at=later.isoformat())
    for member in council.members[:2]:
        vote(as_user, council, scheduled, member, "yes")
    close(scheduled)
    today = propose(as_user, council, {"matching.price_tolerance": 0.2})
    for member in council.members[:2]:
        vote(as_user, council, today, member, "yes")
    close(today)
    assert rules_in_force(council.cluster)["matching.weight.price"] == 0.25  # not yet
    assert rules_in_force(council.cluster)["matching.price_tolerance"] == 0.2
    in_a_month = rules_in_force(council.cluster, at=later + datetime.timedelta(seconds=1))
    assert (in_a_month["matching.weight.price"], in_a_month["matching.price_tolerance"]) == (0.4, 0.2)


def test_the_tally_uses_the_charter_in_force_when_the_vote_closed(as_user, council):
    proposal = propose(as_user, council, {"matching.price_tolerance": 0.3})
    vote(as_user, council, proposal, council.members[0], "yes")
    vote(as_user, council, proposal, council.members[1], "yes")
    # a stricter quorum that took effect after the close (the closing job ran late) must not apply
    RuleVersionFactory(
        cluster=council.cluster,
        number=1,
        values={},
        changes={"governance.quorum": 1.0},
        effective_at=proposal.voting_closes_at + datetime.timedelta(minutes=1),
    )
    proposal_close(proposal_id=proposal.pk, now=proposal.voting_closes_at + datetime.timedelta(hours=1))
    proposal.refresh_from_db()
    assert proposal.status == "enacted"


def test_a_seat_cannot_be_held_twice_in_one_chamber_at_once(as_user, council):
    now = timezone.now()
    response = as_user(council.members[1]).post(
        council.url("proposals/"),
        {
            "kind": "council_seat",
            "title": "A second seat",
            "body": "b",
            "seat_action": "fill",
            "seat_holder": council.members[1].email,
            "seat_chamber": "industry_experts",
            "seat_term_start": now.isoformat(),
            "seat_term_end": (now + datetime.timedelta(days=10)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 409 and list(response.json()["errors"]) == ["seat_holder"]


def test_member_enterprises_petition_and_cosign(as_user, council):
    from apps.governance.models import Proposal
    from tests.factories.membership import EnterpriseFactory, MembershipFactory

    petitioner = council.membership.enterprise
    body = {
        "enterprise": petitioner.pk,
        "kind": "rule_change",
        "title": "Longer windows",
        "body": "b",
        "changes": {"governance.voting_hours": 96},
    }
    # charter parameters need a charter change: the petition is refused at drafting, as any proposal
    assert (
        as_user(council.member_owner).post(council.url("proposals/petition/"), body, format="json").status_code == 400
    )
    body = {**body, "changes": {"marketplace.proposal_expiry_hours": 96}}
    assert (
        as_user(council.outsider_admin).post(council.url("proposals/petition/"), body, format="json").status_code == 403
    )
    response = as_user(council.member_owner).post(council.url("proposals/petition/"), body, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["status"] == "petition"
    signers = []
    for _ in range(3):  # the charter's default: three co-signing members
        owner_user = UserFactory()
        enterprise = EnterpriseFactory(owner=owner_user)
        MembershipFactory(cluster=council.cluster, enterprise=enterprise)
        signers.append((owner_user, enterprise))
    own = as_user(council.member_owner).post(
        council.url(f"proposals/{pk}/cosign/"), {"enterprise": petitioner.pk}, format="json"
    )
    assert own.status_code == 400
    for index, (owner_user, enterprise) in enumerate(signers):
        response = as_user(owner_user).post(
            council.url(f"proposals/{pk}/cosign/"), {"enterprise": enterprise.pk}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["signatures"] == index + 1
        assert response.json()["status"] == ("deliberation" if index == 2 else "petition")
    again = as_user(signers[0][0]).post(
        council.url(f"proposals/{pk}/cosign/"), {"enterprise": signers[0][1].pk}, format="json"
    )
    assert again.status_code == 409
    # the council then votes as on any proposal
    assert (
        as_user(council.admin).post(council.url(f"proposals/{pk}/open-voting/"), {}, format="json").status_code == 200
    )
    proposal = Proposal.objects.get(pk=pk)
    for member in council.members[:2]:
        vote(as_user, council, proposal, member, "yes")
    close(proposal)
    assert rules_in_force(council.cluster)["marketplace.proposal_expiry_hours"] == 96


def test_no_petitions_when_the_charter_says_so_and_a_per_author_limit(as_user, council):
    RuleVersionFactory(cluster=council.cluster, number=1, values={}, changes={"governance.petition_cosigners": 0})
    body = {"enterprise": council.membership.enterprise.pk, "kind": "policy", "title": "t", "body": "b"}
    assert (
        as_user(council.member_owner).post(council.url("proposals/petition/"), body, format="json").status_code == 403
    )
    author = as_user(council.members[0])
    statuses = [
        author.post(
            council.url("proposals/"), {"kind": "policy", "title": f"p{i}", "body": "b"}, format="json"
        ).status_code
        for i in range(6)
    ]
    assert statuses == [201] * 5 + [409]


def test_proposals_filter_by_status_and_kind_and_a_wrong_value_names_its_parameter(as_user, council):
    voting = proposal_in_vote(council)
    reader = as_user(council.member_owner)
    listed = reader.get(council.url("proposals/"), {"status": "voting", "kind": "rule_change"}).json()["results"]
    assert [p["id"] for p in listed] == [voting.pk]
    assert reader.get(council.url("proposals/"), {"kind": "policy"}).json()["results"] == []
    for parameter in ("status", "kind"):
        response = reader.get(council.url("proposals/"), {parameter: "nope"})
        assert response.status_code == 400 and list(response.json()["errors"]) == [parameter]
