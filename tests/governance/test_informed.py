"""A council member is kept informed (issue 15 item 8).

- While a vote is open, the proposal's page and its API answer show the turnout (votes cast of
  the electorate) and the quorum's progress under the charter that will count it, with the
  approval threshold; a secret ballot: never who voted how, nor the running yes / no split. The
  page's fragment (which it polls) follows each vote without a reload.
- Every rulebook parameter has its own name and description, a unit and an allowed range, in the
  rules API, on the rulebook page and in the proposal form.
- A date said to be past is past: a tally records no moment still to come, and the demo's enacted
  proposal was tallied before today.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.governance.models import Proposal, RuleVersion
from apps.governance.services.voting import proposal_close, vote_cast
from apps.tenancy.rules import REGISTRY
from tests.factories import ClusterFactory, UserFactory
from tests.factories.governance import RuleVersionFactory
from tests.factories.membership import MembershipFactory
from tests.governance.conftest import proposal_in_vote as drafted_in_vote

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def proposal_in_vote(council, **kwargs) -> Proposal:
    proposal = drafted_in_vote(council, **kwargs)
    proposal.refresh_from_db()
    return proposal


def progress_url(council, proposal) -> str:
    return reverse("proposal-progress", args=[council.cluster.slug, proposal.pk])


def fragment(client, council, proposal, **headers) -> str:
    response = client.get(progress_url(council, proposal), **(headers or EN))
    assert response.status_code == 200
    return response.content.decode()


def squeezed(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


# --- Turnout and quorum while the vote is open ----------------------------------------------------


def test_the_page_and_its_fragment_follow_the_turnout_and_the_quorum_vote_by_vote(client, council):
    proposal = proposal_in_vote(council)
    client.force_login(council.member_owner)  # a member without a seat reads it too
    page = client.get(reverse("proposal-detail", args=[council.cluster.slug, proposal.pk]), **EN).content.decode()
    assert f'data-progress-url="{progress_url(council, proposal)}"' in page
    assert "0 of 3 seats have voted (0 %)" in squeezed(page)
    assert "Quorum: 2 more votes needed (50 % of the seats must vote: 2 of 3)" in squeezed(page)

    vote_cast(actor=council.members[0], cluster=council.cluster, proposal_id=proposal.pk, choice="yes")
    text = squeezed(fragment(client, council, proposal))
    assert "1 of 3 seats have voted (33.33 %)" in text
    assert "Quorum: 1 more vote needed" in text
    assert "Threshold: yes from more than 50 % of the yes and no votes" in text

    vote_cast(actor=council.members[1], cluster=council.cluster, proposal_id=proposal.pk, choice="no")
    html = fragment(client, council, proposal)
    text = squeezed(html)
    assert "2 of 3 seats have voted (66.67 %)" in text and "Quorum: reached" in text
    assert "data-final" not in html  # the page keeps polling while the window is open
    # a secret ballot: no choice, no split, no voter
    assert not re.search(r"\b(Yes|No|Abstain)\b", text.replace("yes and no votes", ""))
    assert all(member.get_full_name() not in text for member in council.members)


def test_the_fragment_says_the_window_closed_and_stops_the_polling(client, council):
    proposal = proposal_in_vote(council)
    proposal_close(proposal_id=proposal.pk, now=proposal.voting_closes_at + datetime.timedelta(seconds=1))
    client.force_login(council.members[0])
    html = fragment(client, council, proposal)
    assert "data-final" in html and "Voting has closed. Reload the page for the result." in html
    assert "seats have voted" not in html


def test_the_fragment_is_the_clusters_own(client, council):
    proposal = proposal_in_vote(council)
    client.force_login(council.outsider_admin)  # the administrator of another cluster
    assert client.get(progress_url(council, proposal), **EN).status_code in (403, 404)
    other = ClusterFactory()
    client.force_login(MembershipFactory(cluster=other).enterprise.people.get().user)
    assert client.get(reverse("proposal-progress", args=[other.slug, proposal.pk]), **EN).status_code == 404
    client.logout()
    response = client.get(progress_url(council, proposal), **EN)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_fragment_costs_the_same_queries_for_any_electorate(client, council, django_assert_max_num_queries):
    proposal = proposal_in_vote(council)
    for member in council.members:
        vote_cast(actor=member, cluster=council.cluster, proposal_id=proposal.pk, choice="abstain")
    client.force_login(council.members[0])
    fragment(client, council, proposal)  # warm the session and the caches
    with django_assert_max_num_queries(12):
        assert "3 of 3 seats have voted" in squeezed(fragment(client, council, proposal))


def test_the_api_answers_the_same_figures_while_open_and_none_once_tallied(as_user, council):
    proposal = proposal_in_vote(council)
    api = as_user(council.member_owner)
    detail = api.get(council.url(f"proposals/{proposal.pk}/")).json()
    assert detail["progress"]["seats"] == 3 and detail["progress"]["cast"] == 0
    assert detail["progress"]["quorum_missing"] == 2 and detail["progress"]["quorum_met"] is False

    vote_cast(actor=council.members[0], cluster=council.cluster, proposal_id=proposal.pk, choice="yes")
    progress = api.get(council.url(f"proposals/{proposal.pk}/")).json()["progress"]
    assert progress == {
        "seats": 3,
        "cast": 1,
        "turnout": pytest.approx(1 / 3),
        "quorum": 0.5,
        "quorum_seats": 2,
        "quorum_missing": 1,
        "quorum_met": False,
        "chambers": {},
        "threshold": 0.5,
        "threshold_basis": "votes_cast",
        "yes_needed": None,
    }
    assert api.get(council.url(f"proposals/{proposal.pk}/")).json()["result"] == {}  # nor the split

    proposal_close(proposal_id=proposal.pk, now=proposal.voting_closes_at + datetime.timedelta(seconds=1))
    detail = api.get(council.url(f"proposals/{proposal.pk}/")).json()
    assert detail["progress"] is None and detail["result"]["cast"] == 1


def test_a_charter_change_counts_yes_votes_of_all_seats_and_chambers_when_each_needs_its_quorum(as_user, council):
    RuleVersionFactory(cluster=council.cluster, number=1, values={}, changes={"governance.per_chamber_quorum": True})
    proposal = proposal_in_vote(council, changes=None)
    proposal.kind = Proposal.Kind.CHARTER_CHANGE
    proposal.changes = {"governance.quorum": 0.6}
    proposal.save(update_fields=["kind", "changes"])
    vote_cast(actor=council.members[1], cluster=council.cluster, proposal_id=proposal.pk, choice="yes")

    progress = as_user(council.members[0]).get(council.url(f"proposals/{proposal.pk}/")).json()["progress"]
    assert progress["threshold_basis"] == "seats" and progress["yes_needed"] == 2  # 2/3 of 3 seats
    assert progress["chambers"] == {
        "industry_experts": {"seats": 1, "cast": 1, "needed": 1, "missing": 0},
        "leading_enterprises": {"seats": 1, "cast": 0, "needed": 1, "missing": 1},
        "member_representatives": {"seats": 1, "cast": 0, "needed": 1, "missing": 1},
    }
    assert progress["quorum_met"] is False


# --- Each parameter by its name --------------------------------------------------------------------


def test_every_parameter_has_its_own_name_and_description_a_unit_and_a_range_in_the_rules_api(as_user, council):
    rules = as_user(council.member_owner).get(council.url("rules/")).json()["rules"]
    assert [rule["key"] for rule in rules] == list(REGISTRY)
    for rule in rules:
        assert rule["name"] and rule["name"] != rule["key"], rule
        assert rule["description"] and rule["unit_label"] and rule["range"], rule
    assert len({rule["name"] for rule in rules}) == len(rules)
    assert len({rule["description"] for rule in rules}) == len(rules)
    price = next(rule for rule in rules if rule["key"] == "matching.weight.price")
    assert price["name"] == "Price: weight in production matches"
    assert price["description"].startswith("How much this factor counts in a production match's score: the asked")
    assert (price["unit"], price["unit_label"], price["range"]) == ("weight", "weight", "0 – 1")
    seats = next(rule for rule in rules if rule["key"] == "governance.seats.industry_experts")
    assert seats["name"] == "How seats are filled: Industry experts"
    assert seats["range"] == "election / nomination / appointment"
    assert seats["choice_labels"] == {"election": "election", "nomination": "nomination", "appointment": "appointment"}


def test_the_rules_api_answers_in_the_callers_language(as_user, council):
    api = as_user(council.member_owner)
    rules = {r["key"]: r for r in api.get(council.url("rules/"), HTTP_ACCEPT_LANGUAGE="zh-hans").json()["rules"]}
    english = {r["key"]: r for r in api.get(council.url("rules/"), HTTP_ACCEPT_LANGUAGE="en").json()["rules"]}
    # the units and yes/no range come from strings the catalogue already translates
    assert rules["governance.voting_hours"]["unit_label"] != english["governance.voting_hours"]["unit_label"]
    assert rules["governance.votes_changeable"]["range"] != english["governance.votes_changeable"]["range"]


def test_the_rulebook_page_shows_each_parameter_by_name_with_its_value_unit_and_range(client, council):
    RuleVersionFactory(cluster=council.cluster, number=1, values={}, changes={"governance.voting_hours": 96})
    client.force_login(council.member_owner)
    page = client.get(reverse("rulebook", args=[council.cluster.slug]), **EN).content.decode()
    row = page.split('data-testid="rule-governance.voting_hours"')[1].split("</tr>")[0]
    assert 'data-testid="rule-name">Default voting window<' in row and "governance.voting_hours" in row
    assert re.search(r'data-testid="rule-value"><strong>96<', row)
    assert ">hours<" in row and 'data-testid="rule-range">1 – 720<' in row
    history = page.split('data-testid="version-1"')[1].split("</li>")[0]
    assert "<strong>Default voting window</strong>" in history


def test_the_proposal_form_describes_each_parameter_for_its_script(client, council):
    client.force_login(council.members[0])
    page = client.get(reverse("proposal-create", args=[council.cluster.slug]) + "?kind=rule_change", **EN)
    html = page.content.decode()
    assert '<script id="parameters" type="application/json">' in html
    details = page.context["parameters"]
    assert details["matching.weight.price"] == {
        "key": "matching.weight.price",
        "name": "Price: weight in production matches",
        "description": str(REGISTRY["matching.weight.price"].description),
        "unit": "weight",
        "range": "0 – 1",
        "charter": False,
        "value": "0.25",
    }
    assert 'data-testid="parameter-help"' in html
    assert '<optgroup label="Governance (the charter)">' in html


# --- Dates said to be past are past ------------------------------------------------------------------


def test_a_tally_records_no_moment_still_to_come(client, council):
    proposal = proposal_in_vote(council)
    for member in council.members:
        vote_cast(actor=member, cluster=council.cluster, proposal_id=proposal.pk, choice="yes")
    before = timezone.now()
    closed = proposal_close(proposal_id=proposal.pk, now=proposal.voting_closes_at + datetime.timedelta(seconds=1))
    assert closed.status == Proposal.Status.ENACTED
    assert before <= closed.tallied_at <= timezone.now() and closed.enacted_at <= timezone.now()
    assert RuleVersion.objects.get(proposal=closed).effective_at <= timezone.now()


def test_the_demo_council_tallied_its_enacted_proposal_in_the_past():
    from apps.governance import demo as governance_demo
    from apps.membership import demo as membership_demo
    from apps.tenancy import demo as tenancy_demo

    tenancy_demo.load()
    membership_demo.load()
    governance_demo.load()
    now = timezone.now()
    enacted = list(Proposal.objects.filter(status=Proposal.Status.ENACTED))
    assert len(enacted) == 3
    for proposal in enacted:
        assert proposal.voting_opens_at < proposal.voting_closes_at <= proposal.tallied_at < now
        assert proposal.enacted_at < now
        assert RuleVersion.objects.get(proposal=proposal).effective_at < now
        assert all(vote.cast_at < proposal.voting_closes_at for vote in proposal.votes.all())
    open_votes = list(Proposal.objects.filter(status=Proposal.Status.VOTING))
    assert len(open_votes) == 3 and all(p.voting_closes_at > now for p in open_votes)


def test_the_proposal_page_says_tallied_only_for_a_past_date_and_closes_for_a_future_one(client, council):
    proposal = proposal_in_vote(council)
    client.force_login(UserFactory(is_staff=True))
    page = squeezed(
        client.get(reverse("proposal-detail", args=[council.cluster.slug, proposal.pk]), **EN).content.decode()
    )
    assert "Closes" in page and "Tallied" not in page
    vote_cast(actor=council.members[0], cluster=council.cluster, proposal_id=proposal.pk, choice="yes")
    proposal_close(proposal_id=proposal.pk, now=proposal.voting_closes_at + datetime.timedelta(seconds=1))
    proposal.refresh_from_db()
    assert proposal.tallied_at <= timezone.now()
    response = client.get(reverse("proposal-detail", args=[council.cluster.slug, proposal.pk]), **EN)
    assert "Tallied" in squeezed(response.content.decode())
