"""The governance pages, through the Django test client: each page's journey and its refusals.

The ``gov`` scene: a cluster with its ``admin``; two council members ``alice`` (leading
enterprises) and ``bob`` (industry experts) with current seats; ``member``, the owner of an
active member enterprise without a seat; ``outsider``, signed in but of no standing here; and
``foreign_admin``, the administrator of another cluster.
"""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.governance.models import Comment, Proposal, RuleVersion, Seat, Vote
from apps.governance.services.council import council_bootstrap
from apps.governance.services.petitions import petition_cosign, petition_start
from apps.governance.services.proposals import proposal_draft, proposal_open_voting, proposal_submit, proposal_withdraw
from apps.governance.services.voting import proposal_close, proposals_close_due, vote_cast
from apps.tenancy.rules import REGISTRY
from tests.factories import ClusterFactory, ClusterRoleFactory, UserFactory
from tests.factories.governance import ProposalFactory, RuleVersionFactory
from tests.factories.membership import EnterpriseFactory, MembershipFactory
from tests.queries import cold_queries

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PRICE = "matching.weight.price"


@pytest.fixture
def gov(db):
    cluster = ClusterFactory()
    admin = ClusterRoleFactory(cluster=cluster, user=UserFactory(name="Li Ming")).user
    now = timezone.now()
    alice, bob = UserFactory(name="Alice Zhang"), UserFactory(name="Bob Wang")
    enterprise = EnterpriseFactory(owner=alice, legal_name_en="Shaoxing Huafang Weaving")
    MembershipFactory(cluster=cluster, enterprise=enterprise)
    seats = council_bootstrap(
        actor=admin,
        cluster=cluster,
        seats=[
            {
                "holder": holder,
                "chamber": chamber,
                "enterprise": firm,
                "term_start": now - datetime.timedelta(days=30),
                "term_end": now + datetime.timedelta(days=365),
            }
            for holder, chamber, firm in ((alice, "leading_enterprises", enterprise), (bob, "industry_experts", None))
        ],
    )
    member = UserFactory(name="Chen Jing")
    membership = MembershipFactory(cluster=cluster, enterprise=EnterpriseFactory(owner=member))
    return SimpleNamespace(
        cluster=cluster,
        admin=admin,
        alice=alice,
        bob=bob,
        seats=seats,
        member=member,
        membership=membership,
        outsider=UserFactory(),
        foreign_admin=ClusterRoleFactory(cluster=ClusterFactory()).user,
    )


@pytest.fixture
def as_(client):
    """``as_(user)``: the Django test client signed in as ``user`` (anonymous for None)."""

    def _login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _login


def text(response) -> str:
    return response.content.decode()


def url(name, gov, *args) -> str:
    return reverse(name, args=[gov.cluster.slug, *args])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def rule_change(gov, *, changes=None, stage="voting", author=None, closes_in=datetime.timedelta(days=4), **extra):
    """A rule change by ``alice`` (or ``author``) taken through the services up to ``stage``."""
    author = author or gov.alice
    proposal = proposal_draft(
        actor=author,
        cluster=gov.cluster,
        kind=extra.pop("kind", "rule_change"),
        title=extra.pop("title", "Weigh price more"),
        body=extra.pop("body", "Members asked for offers closer to their target prices."),
        changes={PRICE: 0.4} if changes is None else changes,
        **extra,
    )
    if stage in ("deliberation", "voting"):
        proposal_submit(actor=author, cluster=gov.cluster, proposal_id=proposal.pk)
    if stage == "voting":
        proposal_open_voting(
            actor=author, cluster=gov.cluster, proposal_id=proposal.pk, closes_at=timezone.now() + closes_in
        )
    proposal.refresh_from_db()
    return proposal


def change_rows(*rows, extra_rows: int = 3) -> dict:
    """The POST data of the parameter rows (``rows``: (key, value) pairs, then blank rows)."""
    rows = [*rows, *([("", "")] * max(0, extra_rows - len(rows)))]
    data = {"changes-TOTAL_FORMS": str(len(rows)), "changes-INITIAL_FORMS": "0", "changes-MAX_NUM_FORMS": "100"}
    for index, (key, value) in enumerate(rows):
        data[f"changes-{index}-key"] = key
        data[f"changes-{index}-value"] = value
    return data


# --- Access ---------------------------------------------------------------------------------------


PAGES = [
    ("council", ()),
    ("proposal-list", ()),
    ("rulebook", ()),
]


@pytest.mark.parametrize("name,args", PAGES)
def test_members_council_and_administrators_open_every_page(gov, as_, name, args):
    for user in (gov.member, gov.alice, gov.admin):
        assert as_(user).get(url(name, gov, *args), **EN).status_code == 200


@pytest.mark.parametrize("name,args", PAGES)
def test_outsiders_and_other_clusters_administrators_get_403(gov, as_, name, args):
    for user in (gov.outsider, gov.foreign_admin):
        response = as_(user).get(url(name, gov, *args), **EN)
        assert response.status_code == 403
        assert "open to the cluster&#x27;s members, council and administrators" in text(response)


def test_anonymous_visitors_are_sent_to_log_in(gov, as_):
    response = as_(None).get(url("council", gov))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_proposal_page_refuses_outsiders_and_hides_other_clusters_proposals(gov, as_):
    proposal = rule_change(gov)
    for user in (gov.outsider, gov.foreign_admin):
        assert as_(user).get(url("proposal-detail", gov, proposal.pk), **EN).status_code == 403
    # the foreign administrator's own cluster does not reveal this proposal either
    foreign_cluster = gov.foreign_admin.cluster_roles.get().cluster
    response = as_(gov.foreign_admin).get(reverse("proposal-detail", args=[foreign_cluster.slug, proposal.pk]))
    assert response.status_code == 404


def test_a_draft_is_seen_by_its_author_only(gov, as_):
    draft = rule_change(gov, stage="draft")
    assert as_(gov.alice).get(url("proposal-detail", gov, draft.pk), **EN).status_code == 200
    for user in (gov.bob, gov.member, gov.admin):
        assert as_(user).get(url("proposal-detail", gov, draft.pk), **EN).status_code == 404
    listing = text(as_(gov.bob).get(url("proposal-list", gov), **EN))
    assert draft.title not in listing


def test_the_cluster_page_links_to_the_council_pages_for_those_who_may_open_them(gov, as_):
    for user in (gov.member, gov.alice, gov.admin):
        page = text(as_(user).get(reverse("cluster-detail", args=[gov.cluster.slug]), **EN))
        for name in ("council", "proposal-list", "rulebook"):
            assert f'href="{url(name, gov)}"' in page
    page = text(as_(gov.outsider).get(reverse("cluster-detail", args=[gov.cluster.slug]), **EN))
    assert url("council", gov) not in page


# --- The council ----------------------------------------------------------------------------------


def _fill_by_vote(gov, *, holder, chamber, term_start, term_end):
    """A seat filled as the charter says: a passed council-seat proposal (institutions: appointment)."""
    proposal = rule_change(
        gov,
        kind="council_seat",
        changes={},
        title=f"Seat {holder.get_full_name()}",
        seat_action="fill",
        seat_holder=holder,
        seat_chamber=chamber,
        seat_term_start=term_start,
        seat_term_end=term_end,
    )
    for voter in (gov.alice, gov.bob):
        vote_cast(actor=voter, cluster=gov.cluster, proposal_id=proposal.pk, choice="yes")
    proposal_close(proposal_id=proposal.pk, now=proposal.voting_closes_at + datetime.timedelta(seconds=1))
    return Seat.objects.get(proposal=proposal)


def test_council_page_lists_seat_holders_by_chamber(gov, as_):
    future = _fill_by_vote(
        gov,
        holder=gov.member,
        chamber="institutions",
        term_start=timezone.now() + datetime.timedelta(days=10),
        term_end=timezone.now() + datetime.timedelta(days=400),
    )
    response = as_(gov.member).get(url("council", gov), **EN)
    page = text(response)
    leading = page.split('data-testid="chamber-leading_enterprises"')[1].split("</section>")[0]
    assert "Alice Zhang" in leading and "Shaoxing Huafang Weaving" in leading and "Current" in leading
    assert "Seats filled by election" in leading
    experts = page.split('data-testid="chamber-industry_experts"')[1].split("</section>")[0]
    assert "Bob Wang" in experts and "Seats filled by nomination" in experts
    institutions = page.split('data-testid="chamber-institutions"')[1].split("</section>")[0]
    assert "Chen Jing" in institutions and "Upcoming" in institutions
    assert f'data-testid="seat-{future.pk}"' in page
    assert "No seat in this chamber." in page  # member representatives
    assert "2 seats are held today." in page
    # nobody sees a form to appoint or remove seats; the holder alone may resign
    assert 'data-testid="bootstrap-form"' not in page and "remove-seat" not in page
    assert f'data-testid="resign-seat-{future.pk}"' in page
    assert f'data-testid="resign-seat-{gov.seats[0].pk}"' not in page


def _founding_rows(*rows, extra: int = 2) -> dict:
    rows = [*rows, *([{}] * extra)]
    data = {"seats-TOTAL_FORMS": str(len(rows)), "seats-INITIAL_FORMS": "0", "seats-MAX_NUM_FORMS": "100"}
    for index, row in enumerate(rows):
        for name in ("holder", "chamber", "enterprise", "term_start", "term_end"):
            data[f"seats-{index}-{name}"] = row.get(name, "")
    return data


@pytest.fixture
def empty(db):
    """A cluster whose council has no seat yet, its administrator and two people who will sit."""
    cluster = ClusterFactory()
    admin = ClusterRoleFactory(cluster=cluster, user=UserFactory(name="Li Ming")).user
    first, second = UserFactory(name="Alice Zhang"), UserFactory(name="Bob Wang")
    enterprise = EnterpriseFactory(owner=first, legal_name_en="Shaoxing Huafang Weaving")
    MembershipFactory(cluster=cluster, enterprise=enterprise)
    return SimpleNamespace(cluster=cluster, admin=admin, first=first, second=second, enterprise=enterprise)


def test_administrator_constitutes_an_empty_council_once_from_the_page(empty, as_):
    client = as_(empty.admin)
    assert 'data-testid="bootstrap-form"' in text(client.get(url("council", empty), **EN))
    seat = {"chamber": "industry_experts", "term_start": "2020-01-01T09:00", "term_end": "2099-12-31T18:00"}
    # the administrator cannot seat himself; an unknown e-mail and a missing chamber are shown on their rows
    response = client.post(
        url("council-bootstrap", empty),
        _founding_rows(
            {**seat, "holder": empty.first.email},
            {**seat, "holder": empty.admin.email},
        ),
        **EN,
    )
    rows = response.context["founding"].forms
    assert rows[1].errors["holder"] == [
        "An administrator of the cluster cannot hold a council seat: the council checks the administration."
    ]
    response = client.post(
        url("council-bootstrap", empty),
        _founding_rows({**seat, "holder": "nobody@example.com"}, {**seat, "chamber": "", "holder": empty.second.email}),
        **EN,
    )
    rows = response.context["founding"].forms
    assert rows[0].errors["holder"] == ["Nobody has an account with this e-mail."]
    assert rows[1].errors["chamber"] == ["This field is required."]
    response = client.post(url("council-bootstrap", empty), _founding_rows(), **EN)
    assert "Appoint at least one seat holder." in text(response)
    assert not Seat.objects.filter(cluster=empty.cluster).exists()
    # the founding council, all at once
    response = client.post(
        url("council-bootstrap", empty),
        _founding_rows(
            {
                **seat,
                "holder": empty.first.email.upper(),
                "chamber": "leading_enterprises",
                "enterprise": str(empty.enterprise.pk),
            },
            {**seat, "holder": empty.second.email},
        ),
        follow=True,
        **EN,
    )
    assert "The council is constituted with 2 seats." in messages_of(response)
    seats = list(Seat.objects.filter(cluster=empty.cluster).order_by("pk"))
    assert [(s.holder, s.chamber, s.enterprise_id, s.appointed_by_id) for s in seats] == [
        (empty.first, "leading_enterprises", empty.enterprise.pk, empty.admin.pk),
        (empty.second, "industry_experts", None, empty.admin.pk),
    ]
    assert timezone.localtime(seats[0].term_start).strftime("%Y-%m-%d %H:%M") == "2020-01-01 09:00"
    # once: no form any more, and a second post changes nothing
    assert 'data-testid="bootstrap-form"' not in text(response)
    response = client.post(
        url("council-bootstrap", empty), _founding_rows({**seat, "holder": empty.admin.email}), follow=True, **EN
    )
    assert any("already constituted" in m for m in messages_of(response))
    assert Seat.objects.filter(cluster=empty.cluster).count() == 2


def test_only_administrators_constitute_the_council_and_nobody_removes_a_seat_from_the_page(empty, gov, as_):
    seat = {"chamber": "institutions", "term_start": "2020-01-01T00:00", "term_end": "2099-01-01T00:00"}
    data = _founding_rows({**seat, "holder": empty.second.email})
    for user in (empty.first, gov.foreign_admin):
        assert as_(user).post(url("council-bootstrap", empty), data, **EN).status_code == 403
    assert not Seat.objects.filter(cluster=empty.cluster).exists()
    # the old removal address is gone, for the administrator too
    removal = f"/clusters/{gov.cluster.slug}/council/seats/{gov.seats[1].pk}/remove/"
    assert as_(gov.admin).post(removal, **EN).status_code == 404
    assert Seat.objects.filter(cluster=gov.cluster, removed_at__isnull=True).count() == 2


def test_a_holder_resigns_from_the_page(gov, as_):
    assert as_(gov.alice).post(url("seat-resign", gov, gov.seats[1].pk), **EN).status_code == 403
    assert as_(gov.admin).post(url("seat-resign", gov, gov.seats[1].pk), **EN).status_code == 403
    response = as_(gov.bob).post(url("seat-resign", gov, gov.seats[1].pk), follow=True, **EN)
    assert "You resigned your seat among the industry experts." in messages_of(response)
    seat = Seat.objects.get(pk=gov.seats[1].pk)
    assert seat.removed_at is not None and seat.removal == "resigned"
    experts = text(as_(gov.alice).get(url("council", gov), **EN)).split('data-testid="chamber-industry_experts"')[1]
    assert "Bob Wang" not in experts.split("</section>")[0]


def test_a_council_member_proposes_to_remove_a_seat_from_the_page_and_the_vote_removes_it(gov, as_):
    client = as_(gov.alice)
    page = text(client.get(url("proposal-create", gov) + "?kind=council_seat", **EN))
    assert 'data-testid="council-seat"' in page and f'value="{gov.seats[1].pk}"' in page
    data = {"kind": "council_seat", "title": "Bob leaves", "body": "He moved abroad.", "seat_action": "remove"}
    response = client.post(url("proposal-create", gov), {**data, **change_rows()}, **EN)
    assert response.context["form"].errors["seat"] == ["Choose the seat to remove."]
    response = client.post(
        url("proposal-create", gov), {**data, "seat": str(gov.seats[1].pk), **change_rows()}, follow=True, **EN
    )
    proposal = Proposal.objects.get(title="Bob leaves")
    assert (proposal.kind, proposal.seat_action, proposal.seat_id) == ("council_seat", "remove", gov.seats[1].pk)
    assert "Remove the seat of Bob Wang (Industry experts)" in text(response)
    proposal_submit(actor=gov.alice, cluster=gov.cluster, proposal_id=proposal.pk)
    proposal_open_voting(actor=gov.alice, cluster=gov.cluster, proposal_id=proposal.pk)
    for voter in (gov.alice, gov.bob):
        vote_cast(actor=voter, cluster=gov.cluster, proposal_id=proposal.pk, choice="yes")
    proposal.refresh_from_db()
    proposal_close(proposal_id=proposal.pk, now=proposal.voting_closes_at + datetime.timedelta(seconds=1))
    assert Seat.objects.get(pk=gov.seats[1].pk).removal == "proposal"


def test_a_fill_proposal_from_the_page_follows_the_chambers_rule(gov, as_):
    client = as_(gov.alice)
    data = {
        "kind": "council_seat",
        "title": "A representative",
        "body": "b",
        "seat_action": "fill",
        "seat_holder": gov.member.email,
        "seat_chamber": "member_representatives",
        "seat_term_start": "2030-01-01T00:00",
        "seat_term_end": "2032-01-01T00:00",
        **change_rows(),
    }
    response = client.post(url("proposal-create", gov), data, **EN)
    assert response.context["form"].errors["seat_chamber"] == [
        "The charter fills this chamber's seats by election: a member enterprise's petition puts the candidate forward."
    ]
    response = client.post(url("proposal-create", gov), {**data, "seat_chamber": "institutions"}, follow=True, **EN)
    proposal = Proposal.objects.get(title="A representative")
    assert (proposal.seat_holder, proposal.seat_chamber) == (gov.member, "institutions")
    assert "Seat Chen Jing among the Institutions" in text(response)


# --- The list of proposals --------------------------------------------------------------------------


def test_proposal_list_puts_voting_first_with_the_time_left(gov, as_):
    deliberating = rule_change(gov, stage="deliberation", title="A policy in deliberation", kind="policy", changes={})
    closing_later = rule_change(gov, title="Closes later", closes_in=datetime.timedelta(days=5))
    closing_soon = rule_change(gov, title="Closes soon", closes_in=datetime.timedelta(hours=27))
    withdrawn = rule_change(gov, stage="deliberation", title="Withdrawn one")
    proposal_withdraw(actor=gov.alice, cluster=gov.cluster, proposal_id=withdrawn.pk)
    response = as_(gov.member).get(url("proposal-list", gov), **EN)
    ids = [p.pk for p in response.context["page"].object_list]
    assert ids == [closing_soon.pk, closing_later.pk, deliberating.pk, withdrawn.pk]
    page = text(response)
    row = page.split(f'data-testid="proposal-{closing_soon.pk}"')[1].split("</li>")[0]
    assert re.search(r"(2|3)\xa0hours.* left", row), row
    assert "Rule change" in row and "Voting" in row and "by Alice Zhang (Leading enterprises)" in row
    # the kind filter and the status tabs
    response = as_(gov.member).get(url("proposal-list", gov) + "?kind=policy", **EN)
    assert [p.pk for p in response.context["page"].object_list] == [deliberating.pk]
    response = as_(gov.member).get(url("proposal-list", gov) + "?status=withdrawn", **EN)
    assert [p.pk for p in response.context["page"].object_list] == [withdrawn.pk]


def test_new_proposal_button_is_for_seat_holders(gov, as_):
    assert 'data-testid="new-proposal"' in text(as_(gov.alice).get(url("proposal-list", gov), **EN))
    for user in (gov.member, gov.admin):
        assert 'data-testid="new-proposal"' not in text(as_(user).get(url("proposal-list", gov), **EN))


def test_proposal_list_shows_the_counts_of_decided_votes(gov, as_):
    proposal = rule_change(gov)
    vote_cast(actor=gov.alice, cluster=gov.cluster, proposal_id=proposal.pk, choice="yes")
    vote_cast(actor=gov.bob, cluster=gov.cluster, proposal_id=proposal.pk, choice="no")
    page = text(as_(gov.member).get(url("proposal-list", gov), **EN))
    assert "1 yes · 1 no" not in page  # nothing while the window is open
    proposal_close(proposal_id=proposal.pk, now=proposal.voting_closes_at + datetime.timedelta(seconds=1))
    page = text(as_(gov.member).get(url("proposal-list", gov), **EN))
    assert "1 yes · 1 no · 0 abstain" in page


def _list_queries(as_, gov) -> int:
    client = as_(gov.member)
    with cold_queries() as queries:
        assert client.get(url("proposal-list", gov), **EN).status_code == 200
    return len(queries)


def test_proposal_list_reads_a_fixed_number_of_queries(gov, as_):
    membership = gov.membership
    # twenty open proposals by two authors: raise the charter's per-author limit for this test
    RuleVersionFactory(cluster=gov.cluster, number=99, values={}, changes={"governance.open_proposals_per_author": 100})
    rule_change(gov, kind="sanction", changes={}, sanction_membership=membership.pk, sanction_action="suspend")
    one = _list_queries(as_, gov)
    for index in range(19):
        if index % 2:
            rule_change(gov, title=f"Proposal {index}")
        else:
            rule_change(
                gov,
                author=gov.bob,
                stage="deliberation",
                kind="sanction",
                changes={},
                sanction_membership=membership.pk,
                sanction_action="suspend",
            )
    assert Proposal.objects.count() == 20
    assert _list_queries(as_, gov) == one


# --- Drafting and amending ------------------------------------------------------------------------


def test_council_member_drafts_a_rule_change_with_several_parameters(gov, as_):
    client = as_(gov.alice)
    page = text(client.get(url("proposal-create", gov) + "?kind=rule_change", **EN))
    # each parameter by its own name, with its value in force, grouped by the rulebook's sections
    assert f'<option value="{PRICE}">Price: weight in production matches (now 0.25)</option>' in page
    matching = page.split('<optgroup label="Matching">')[1].split("</optgroup>")[0]
    assert PRICE in matching and "moderation." not in matching
    data = {
        "kind": "rule_change",
        "title": "Price and distance weigh more",
        "body": "Closer, cheaper offers first.",
        "effective_at": "",
        **change_rows((PRICE, "0.4"), ("matching.weight.distance", "0.2")),
    }
    response = client.post(url("proposal-create", gov), data, follow=True, **EN)
    proposal = Proposal.objects.get(title="Price and distance weigh more")
    assert response.redirect_chain[-1][0] == url("proposal-detail", gov, proposal.pk)
    assert (proposal.status, proposal.author_id, proposal.changes) == (
        "draft",
        gov.alice.pk,
        {PRICE: 0.4, "matching.weight.distance": 0.2},
    )
    assert any("is saved as a draft" in m for m in messages_of(response))


def test_out_of_range_value_is_refused_on_its_row(gov, as_):
    data = {"kind": "rule_change", "title": "Too much", "body": "x", **change_rows((PRICE, "1.5"))}
    response = as_(gov.alice).post(url("proposal-create", gov), data, **EN)
    assert response.status_code == 200
    row = response.context["form"].changes.forms[0]
    assert row.errors["value"] == ["Must be between 0.0 and 1.0."]
    assert "Must be between 0.0 and 1.0." in text(response)
    assert not Proposal.objects.exists()


def test_row_and_form_errors_of_a_proposal(gov, as_):
    client = as_(gov.alice)
    # a charter parameter in an ordinary rule change: refused on its row
    data = {"kind": "rule_change", "title": "t", "body": "b", **change_rows(("governance.quorum", "0.6"))}
    form = client.post(url("proposal-create", gov), data, **EN).context["form"]
    assert "Charter parameters change only through a charter change" in form.changes.forms[0].errors["value"][0]
    # a value that is not a number; a parameter without a value; a duplicated parameter
    data = {"kind": "rule_change", "title": "t", "body": "b", **change_rows((PRICE, "a lot"))}
    form = client.post(url("proposal-create", gov), data, **EN).context["form"]
    assert form.changes.forms[0].errors["value"] == ["Expected a number."]
    data = {"kind": "rule_change", "title": "t", "body": "b", **change_rows((PRICE, ""), (PRICE, "0.3"))}
    form = client.post(url("proposal-create", gov), data, **EN).context["form"]
    assert form.changes.forms[0].errors["value"] == ["Give the new value."]
    data = {"kind": "rule_change", "title": "t", "body": "b", **change_rows((PRICE, "0.3"), (PRICE, "0.35"))}
    form = client.post(url("proposal-create", gov), data, **EN).context["form"]
    assert form.changes.forms[1].errors["key"] == ["This parameter is already listed above."]
    # no parameter at all: above the rows
    data = {"kind": "rule_change", "title": "t", "body": "b", **change_rows()}
    response = client.post(url("proposal-create", gov), data, **EN)
    assert list(response.context["form"].change_errors) == ["Name at least one rulebook parameter and its new value."]
    # missing title and type
    form = client.post(url("proposal-create", gov), {"body": "b", **change_rows()}, **EN).context["form"]
    assert set(form.errors) == {"kind", "title"}
    assert not Proposal.objects.exists()


def test_charter_change_and_yes_no_parameters(gov, as_):
    data = {
        "kind": "charter_change",
        "title": "Votes are final",
        "body": "No second thoughts.",
        "effective_at": "2031-05-01",
        **change_rows(("governance.votes_changeable", "false"), ("governance.quorum", "0.6")),
    }
    as_(gov.alice).post(url("proposal-create", gov), data, **EN)
    proposal = Proposal.objects.get()
    assert proposal.kind == "charter_change"
    assert proposal.changes == {"governance.votes_changeable": False, "governance.quorum": 0.6}
    assert timezone.localtime(proposal.effective_at).strftime("%Y-%m-%d %H:%M") == "2031-05-01 00:00"


def test_sanction_proposal_names_the_member_and_the_action(gov, as_):
    client = as_(gov.bob)
    data = {"kind": "sanction", "title": "Suspend a member", "body": "Repeated late deliveries.", **change_rows()}
    form = client.post(url("proposal-create", gov), data, **EN).context["form"]
    assert form.errors["sanction_membership"] == ["Choose the member the sanction is about."]
    assert form.errors["sanction_action"] == ["Choose suspend or reinstate."]
    data.update(sanction_membership=str(gov.membership.pk), sanction_action="suspend")
    response = client.post(url("proposal-create", gov), data, follow=True, **EN)
    proposal = Proposal.objects.get()
    assert (proposal.sanction_membership_id, proposal.sanction_action, proposal.changes) == (
        gov.membership.pk,
        "suspend",
        {},
    )
    assert f"Sanction: Suspend {gov.membership.enterprise.name}" in text(response)


def test_only_seat_holders_draft(gov, as_):
    data = {"kind": "policy", "title": "t", "body": "b", **change_rows()}
    for user in (gov.member, gov.admin):
        assert as_(user).get(url("proposal-create", gov), **EN).status_code == 403
        assert as_(user).post(url("proposal-create", gov), data, **EN).status_code == 403
    assert as_(gov.outsider).get(url("proposal-create", gov), **EN).status_code == 403
    assert not Proposal.objects.exists()


def test_author_amends_submits_and_the_amendments_are_listed(gov, as_):
    proposal = rule_change(gov, stage="draft")
    client = as_(gov.alice)
    page = text(client.get(url("proposal-amend", gov, proposal.pk), **EN))
    assert 'value="0.4"' in page and "Weigh price more" in page
    data = {
        "title": "Weigh price a little more",
        "body": "Revised after the first reading.",
        **change_rows((PRICE, "0.35"), extra_rows=2),
    }
    response = client.post(url("proposal-amend", gov, proposal.pk), data, follow=True, **EN)
    assert "Revision 2 is saved." in messages_of(response)
    proposal.refresh_from_db()
    assert (proposal.revision, proposal.title, proposal.changes) == (2, "Weigh price a little more", {PRICE: 0.35})
    page = text(response)
    assert 'data-testid="revision-1"' in page and 'data-testid="revision-2"' in page
    # out of range when amending: on the row too
    response = client.post(url("proposal-amend", gov, proposal.pk), {**data, **change_rows((PRICE, "-1"))}, **EN)
    assert response.context["form"].changes.forms[0].errors["value"] == ["Must be between 0.0 and 1.0."]
    # submit: the draft goes to deliberation
    response = client.post(url("proposal-submit", gov, proposal.pk), follow=True, **EN)
    assert Proposal.objects.get(pk=proposal.pk).status == "deliberation"
    assert any("open for deliberation" in m for m in messages_of(response))
    # others may not amend
    assert as_(gov.bob).get(url("proposal-amend", gov, proposal.pk), **EN).status_code == 403


def test_author_actions_are_refused_to_others_and_in_the_wrong_state(gov, as_):
    proposal = rule_change(gov, stage="deliberation")
    assert as_(gov.bob).post(url("proposal-submit", gov, proposal.pk), **EN).status_code == 403
    assert as_(gov.bob).post(url("proposal-withdraw", gov, proposal.pk), **EN).status_code == 403
    assert as_(gov.member).post(url("proposal-open-voting", gov, proposal.pk), {}, **EN).status_code == 403
    # submitting twice: an error message, not a 500
    response = as_(gov.alice).post(url("proposal-submit", gov, proposal.pk), follow=True, **EN)
    assert messages_of(response) == ["A proposal that is in deliberation cannot be submitted."]


def test_author_opens_the_vote_with_a_closing_time_and_withdraws(gov, as_):
    proposal = rule_change(gov, stage="deliberation")
    client = as_(gov.alice)
    page = text(client.get(url("proposal-detail", gov, proposal.pk), **EN))
    assert 'data-testid="open-voting-form"' in page
    # a closing time in the past: on the field
    response = client.post(url("proposal-open-voting", gov, proposal.pk), {"closes_at": "2001-01-01T10:00"}, **EN)
    assert response.context["open_form"].errors["closes_at"] == ["The window must close in the future, after it opens."]
    closes = timezone.localtime() + datetime.timedelta(days=2)
    response = client.post(
        url("proposal-open-voting", gov, proposal.pk), {"closes_at": closes.strftime("%Y-%m-%dT%H:%M")}, follow=True
    )
    proposal.refresh_from_db()
    assert proposal.status == "voting"
    assert timezone.localtime(proposal.voting_closes_at).strftime("%Y-%m-%d %H:%M") == closes.strftime("%Y-%m-%d %H:%M")
    assert 'data-testid="countdown"' in text(response)
    response = client.post(url("proposal-withdraw", gov, proposal.pk), follow=True, **EN)
    assert Proposal.objects.get(pk=proposal.pk).status == "withdrawn"
    assert "The proposal is withdrawn." in messages_of(response)


def test_the_open_voting_form_refuses_a_window_outside_the_charter(gov, as_):
    proposal = rule_change(gov, stage="deliberation")
    client = as_(gov.admin)
    for closes in (
        timezone.localtime() + datetime.timedelta(minutes=2),
        timezone.localtime() + datetime.timedelta(days=30),
    ):
        response = client.post(
            url("proposal-open-voting", gov, proposal.pk), {"closes_at": closes.strftime("%Y-%m-%dT%H:%M")}, **EN
        )
        assert response.context["open_form"].errors["closes_at"] == [
            "The charter lets a vote on a rule change last from 24 to 336 hours."
        ]
    assert Proposal.objects.get(pk=proposal.pk).status == "deliberation"


def test_administrator_may_open_the_vote_with_the_default_window(gov, as_):
    proposal = rule_change(gov, stage="deliberation")
    as_(gov.admin).post(url("proposal-open-voting", gov, proposal.pk), {"closes_at": ""}, **EN)
    proposal.refresh_from_db()
    assert proposal.status == "voting"
    assert proposal.voting_closes_at - proposal.voting_opens_at == datetime.timedelta(hours=72)


# --- The proposal page: diff, comments, vote, result ------------------------------------------------


def test_rule_change_page_shows_the_diff_against_the_rulebook_in_force(gov, as_):
    proposal = rule_change(gov, changes={PRICE: 0.4, "marketplace.proposal_expiry_hours": 48})
    page = text(as_(gov.member).get(url("proposal-detail", gov, proposal.pk), **EN))
    diff = page.split('data-testid="diff"')[1].split("</section>")[0]
    price = diff.split(f'data-testid="diff-{PRICE}"')[1].split("</tr>")[0]
    assert PRICE in price and "Price: weight in production matches" in price
    assert "How much this factor counts in a production match&#x27;s score: the asked price" in price
    assert re.search(r'data-testid="diff-old"><span[^>]*>0\.25<', price)
    assert re.search(r'data-testid="diff-new"><span[^>]*>0\.4<', price)
    assert ">weight<" in price
    hours = diff.split('data-testid="diff-marketplace.proposal_expiry_hours"')[1].split("</tr>")[0]
    assert (
        re.search(r'diff-old"><span[^>]*>72<', hours)
        and re.search(r'diff-new"><span[^>]*>48<', hours)
        and ">hours<" in hours
    )
    assert "In force" in diff and "Proposed" in diff


def test_members_comment_during_deliberation(gov, as_):
    proposal = rule_change(gov, stage="deliberation")
    client = as_(gov.member)
    assert 'data-testid="comment-form"' in text(client.get(url("proposal-detail", gov, proposal.pk), **EN))
    response = client.post(url("proposal-comment", gov, proposal.pk), {"body": "Price matters most to us."}, **EN)
    assert response.status_code == 302 and response["Location"].endswith("#comments")
    comment = Comment.objects.get()
    assert (comment.author_id, comment.body) == (gov.member.pk, "Price matters most to us.")
    assert "Price matters most to us." in text(client.get(url("proposal-detail", gov, proposal.pk), **EN))
    # an empty comment: on the field
    response = client.post(url("proposal-comment", gov, proposal.pk), {"body": "   "}, **EN)
    assert response.context["comment_form"].errors["body"]
    # an administrator who is neither member nor council does not comment (as in the API)
    assert as_(gov.admin).post(url("proposal-comment", gov, proposal.pk), {"body": "x"}, **EN).status_code == 403
    assert as_(gov.outsider).post(url("proposal-comment", gov, proposal.pk), {"body": "x"}, **EN).status_code == 403
    assert Comment.objects.count() == 1


def test_seat_holder_votes_and_changes_the_vote_through_the_page(gov, as_):
    proposal = rule_change(gov)
    client = as_(gov.bob)
    page = text(client.get(url("proposal-detail", gov, proposal.pk), **EN))
    assert 'data-testid="vote-form"' in page and 'data-testid="countdown"' in page
    assert f'data-countdown="{timezone.localtime(proposal.voting_closes_at).isoformat()}"' in page
    response = client.post(url("proposal-vote", gov, proposal.pk), {"choice": "no", "reason": "Too fast."}, follow=True)
    assert "Your vote is recorded: No." in messages_of(response)
    vote = Vote.objects.get()
    assert (vote.seat_id, vote.voter_id, vote.choice, vote.reason) == (gov.seats[1].pk, gov.bob.pk, "no", "Too fast.")
    assert re.search(r"You voted <strong>No</strong> — you may change it until", text(response))
    client.post(url("proposal-vote", gov, proposal.pk), {"choice": "yes", "reason": ""}, **EN)
    assert Vote.objects.get().choice == "yes"
    # no choice: on the field
    response = client.post(url("proposal-vote", gov, proposal.pk), {"choice": ""}, **EN)
    assert response.context["vote_form"].errors["choice"]


def test_votes_cannot_be_changed_when_the_charter_says_so(gov, as_):
    RuleVersionFactory(
        cluster=gov.cluster,
        number=1,
        values={"governance.votes_changeable": False},
        changes={"governance.votes_changeable": False},
    )
    proposal = rule_change(gov)
    client = as_(gov.bob)
    client.post(url("proposal-vote", gov, proposal.pk), {"choice": "no"}, **EN)
    page = text(client.get(url("proposal-detail", gov, proposal.pk), **EN))
    assert "You voted <strong>No</strong>. Votes cannot be changed." in page
    assert 'data-testid="vote-form"' not in page
    response = client.post(url("proposal-vote", gov, proposal.pk), {"choice": "yes"}, follow=True, **EN)
    assert messages_of(response) == ["This seat has already voted, and votes cannot be changed."]
    assert Vote.objects.get().choice == "no"


def test_only_seat_holders_vote(gov, as_):
    proposal = rule_change(gov)
    page = text(as_(gov.member).get(url("proposal-detail", gov, proposal.pk), **EN))
    assert 'data-testid="vote-form"' not in page and "Only holders of a current council seat vote." in page
    for user in (gov.member, gov.admin):
        assert as_(user).post(url("proposal-vote", gov, proposal.pk), {"choice": "yes"}, **EN).status_code == 403
    assert as_(gov.foreign_admin).post(url("proposal-vote", gov, proposal.pk), {"choice": "yes"}).status_code == 403
    assert not Vote.objects.exists()


def test_voting_outside_the_window_is_refused_with_a_message(gov, as_):
    proposal = rule_change(gov, stage="deliberation")
    response = as_(gov.bob).post(url("proposal-vote", gov, proposal.pk), {"choice": "yes"}, follow=True, **EN)
    assert messages_of(response) == ["Voting on this proposal is not open."]
    assert not Vote.objects.exists()


def test_result_is_shown_only_after_the_window_closes(gov, as_):
    proposal = rule_change(gov)
    vote_cast(actor=gov.alice, cluster=gov.cluster, proposal_id=proposal.pk, choice="yes")
    vote_cast(actor=gov.bob, cluster=gov.cluster, proposal_id=proposal.pk, choice="yes", reason="Fair.")
    page = text(as_(gov.member).get(url("proposal-detail", gov, proposal.pk), **EN))
    assert 'data-testid="result"' not in page and "Fair." not in page

    # the beat job tallies once the window has closed
    assert proposals_close_due(now=proposal.voting_closes_at + datetime.timedelta(seconds=1)) == 1
    response = as_(gov.member).get(url("proposal-detail", gov, proposal.pk), **EN)
    page = text(response)
    result = page.split('data-testid="result"')[1].split("</section>")[0]
    assert "Result: passed" in result and "enacted" in result
    for name, number in (("seats", 2), ("cast", 2), ("yes", 2), ("no", 0), ("abstain", 0)):
        assert re.search(rf'data-testid="result-{name}">{number}<', result), name
    assert "50\xa0% of the seats must vote (1 of 2); 2 voted" in result and "— met" in result
    assert "yes from more than 50\xa0% of the yes and no votes; yes from 2 of 2 yes and no votes (100\xa0%)" in result
    assert "reached" in result and "Fair." in result  # the roll call
    version = RuleVersion.objects.get(proposal=proposal)
    assert f"{url('rulebook', gov)}#version-{version.number}" in result
    # once enacted, the diff compares with the version before
    diff = page.split('data-testid="diff"')[1].split("</section>")[0]
    assert "Before" in diff and "Enacted" in diff and re.search(r'diff-old"><span[^>]*>0\.25<', diff)
    assert 'data-testid="vote-form"' not in page and 'data-testid="countdown"' not in page


def test_a_rejected_proposal_shows_why(gov, as_):
    proposal = rule_change(gov)
    vote_cast(actor=gov.bob, cluster=gov.cluster, proposal_id=proposal.pk, choice="no")
    proposal_close(proposal_id=proposal.pk, now=proposal.voting_closes_at + datetime.timedelta(seconds=1))
    page = text(as_(gov.alice).get(url("proposal-detail", gov, proposal.pk), **EN))
    result = page.split('data-testid="result"')[1].split("</section>")[0]
    assert "Result: rejected" in result and "not reached" in result
    assert re.search(r'result-cast">1<', result) and re.search(r'result-no">1<', result)
    assert "rulebook-version-link" not in result
    assert not RuleVersion.objects.exists()


# --- The rulebook -----------------------------------------------------------------------------------


def test_rulebook_lists_every_parameter_with_its_range_default_and_charter_flag(gov, as_):
    page = text(as_(gov.member).get(url("rulebook", gov), **EN))
    for key in REGISTRY:
        assert f'data-testid="rule-{key}"' in page
    quorum = page.split('data-testid="rule-governance.quorum"')[1].split("</tr>")[0]
    assert "charter" in quorum and "Share of the seats that must vote" in quorum and "0 – 1" in quorum
    changeable = page.split('data-testid="rule-governance.votes_changeable"')[1].split("</tr>")[0]
    assert "<strong>Yes</strong>" in changeable and "yes or no" in changeable
    assert "The platform's defaults" in page and "No version yet" in page


def test_rulebook_shows_the_enacted_value_and_the_history(gov, as_):
    proposal = rule_change(gov)
    for user in (gov.alice, gov.bob):
        vote_cast(actor=user, cluster=gov.cluster, proposal_id=proposal.pk, choice="yes")
    proposal_close(proposal_id=proposal.pk, now=proposal.voting_closes_at + datetime.timedelta(seconds=1))
    page = text(as_(gov.member).get(url("rulebook", gov), **EN))
    price = page.split(f'data-testid="rule-{PRICE}"')[1].split("</tr>")[0]
    assert "<strong>0.4</strong>" in price and "changed" in price and ">0.25<" in price  # the default
    history = page.split('data-testid="history"')[1]
    version = history.split('data-testid="version-1"')[1].split("</li>\n      \n")[0]
    assert "in force" in version and f'{PRICE}</code>: <span class="value-old">0.25</span>' in version
    assert f'href="{url("proposal-detail", gov, proposal.pk)}"' in version and "Weigh price more" in version


def _rulebook_queries(as_, gov) -> int:
    client = as_(gov.member)
    with cold_queries() as queries:
        assert client.get(url("rulebook", gov), **EN).status_code == 200
    return len(queries)


def _enacted_versions(gov, count: int, start: int = 1) -> None:
    now = timezone.now()
    for number in range(start, start + count):
        proposal = ProposalFactory(
            cluster=gov.cluster,
            kind="rule_change",
            title=f"Change {number}",
            body="b",
            changes={PRICE: number / 100},
            author=gov.alice,
            author_seat=gov.seats[0],
            status="enacted",
        )
        RuleVersionFactory(
            cluster=gov.cluster,
            number=number,
            values={PRICE: number / 100},
            changes={PRICE: number / 100},
            proposal=proposal,
            effective_at=now - datetime.timedelta(minutes=100 - number),
        )


def test_rulebook_history_reads_a_fixed_number_of_queries(gov, as_):
    _enacted_versions(gov, 1)
    one = _rulebook_queries(as_, gov)
    _enacted_versions(gov, 19, start=2)
    assert _rulebook_queries(as_, gov) == one
    # a second page needs the version just below it, once
    _enacted_versions(gov, 5, start=21)
    client = as_(gov.member)
    response = client.get(url("rulebook", gov) + "?page=2", **EN)
    versions = response.context["versions"]
    assert [v.number for v in versions] == [5, 4, 3, 2, 1]
    assert versions[0].rows[0]["before"] == "0.04" and versions[-1].rows[0]["before"] == "0.25"


# --- Petitions --------------------------------------------------------------------------------------


@pytest.fixture
def cosigners(gov):
    """Three more active member enterprises, each with its owner (the charter's default asks for three co-signers)."""
    people = []
    for name, firm in (("Wu Lei", "Keqiao Dyeing"), ("Zhou Min", "Yuecheng Prints"), ("Sun Hao", "Paojiang Yarns")):
        owner = UserFactory(name=name)
        enterprise = EnterpriseFactory(owner=owner, legal_name_en=firm)
        MembershipFactory(cluster=gov.cluster, enterprise=enterprise)
        people.append(SimpleNamespace(user=owner, enterprise=enterprise))
    return people


def petition(gov, **extra):
    """A policy petition by the ``member``'s enterprise, started through the service."""
    return petition_start(
        actor=gov.member,
        cluster=gov.cluster,
        enterprise=gov.membership.enterprise,
        kind=extra.pop("kind", "policy"),
        title=extra.pop("title", "Publish the delivery scores"),
        body=extra.pop("body", "Members want to see how each supplier delivers."),
        **extra,
    )


def charter(gov, **changes):
    RuleVersionFactory(cluster=gov.cluster, number=1, values={}, changes=changes)


def test_member_without_a_seat_starts_a_petition_through_the_page(gov, as_):
    client = as_(gov.member)
    listing = text(client.get(url("proposal-list", gov), **EN))
    assert f'href="{url("petition-create", gov)}" data-testid="new-petition"' in listing
    assert 'data-testid="new-proposal"' not in listing
    page = text(client.get(url("petition-create", gov) + "?kind=rule_change", **EN))
    enterprise = gov.membership.enterprise
    # one enterprise to act for: a hidden field, and the page says which
    assert f'<input type="hidden" name="enterprise" value="{enterprise.pk}"' in page
    assert f"On behalf of <strong>{enterprise.name}</strong>" in page
    assert "once 3 other member enterprises co-sign" in page
    data = {
        "enterprise": str(enterprise.pk),
        "kind": "rule_change",
        "title": "Weigh price more",
        "body": "Cheaper offers first.",
        "effective_at": "",
        **change_rows((PRICE, "0.4")),
    }
    # an enterprise the person does not act for: on the form, nothing written
    response = client.post(url("petition-create", gov), {**data, "enterprise": str(gov.seats[0].enterprise_id)}, **EN)
    assert response.status_code == 200
    assert response.context["form"].errors["enterprise"] == ["Choose one of your member enterprises."]
    assert "Choose one of your member enterprises." in text(response)
    assert not Proposal.objects.exists()
    # out of range: the service's refusal on its row, as when drafting
    response = client.post(url("petition-create", gov), {**data, **change_rows((PRICE, "1.5"))}, **EN)
    assert response.context["form"].changes.forms[0].errors["value"] == ["Must be between 0.0 and 1.0."]
    assert not Proposal.objects.exists()

    response = client.post(url("petition-create", gov), data, follow=True, **EN)
    proposal = Proposal.objects.get()
    assert response.redirect_chain[-1][0] == url("proposal-detail", gov, proposal.pk)
    assert (proposal.status, proposal.author_id, proposal.petitioner_id, proposal.author_seat_id) == (
        "petition",
        gov.member.pk,
        enterprise.pk,
        None,
    )
    assert proposal.changes == {PRICE: 0.4}
    assert messages_of(response) == [
        "“Weigh price more” is open for co-signing: the council debates it once 3 other member enterprises co-sign."
    ]
    page = text(response)
    card = page.split('data-testid="petition"')[1].split("</section>")[0]
    assert f"Petition by <strong>{enterprise.name}</strong>" in card
    assert re.search(r'data-testid="petition-count">0 of 3 co-signatures<', card)
    assert "No co-signatures yet." in card and 'data-testid="cosign-form"' not in card
    assert "Your enterprise started this petition" in card
    # the petition is listed for everyone, by its enterprise
    row = text(as_(gov.bob).get(url("proposal-list", gov) + "?status=petitions", **EN))
    row = row.split(f'data-testid="proposal-{proposal.pk}"')[1].split("</li>")[0]
    assert f"petition by {enterprise.name}" in row and "Collecting co-signers" in row


def test_the_petition_page_is_for_people_who_act_for_a_member_enterprise(gov, as_):
    data = {"enterprise": str(gov.membership.enterprise_id), "kind": "policy", "title": "t", "body": "b"}
    # bob holds a seat but acts for no enterprise; the administrator and the outsider are no members
    for user in (gov.bob, gov.admin, gov.outsider, gov.foreign_admin):
        assert as_(user).get(url("petition-create", gov), **EN).status_code == 403
        assert as_(user).post(url("petition-create", gov), {**data, **change_rows()}, **EN).status_code == 403
        assert 'data-testid="new-petition"' not in text(as_(user).get(url("proposal-list", gov), **EN))
    assert not Proposal.objects.exists()


def test_no_petition_form_when_the_charter_allows_none(gov, as_):
    charter(gov, **{"governance.petition_cosigners": 0})
    client = as_(gov.member)
    page = text(client.get(url("petition-create", gov), **EN))
    assert "The charter does not allow petitions" in page
    assert 'data-testid="proposal-form"' not in page and 'name="enterprise"' not in page
    assert 'data-testid="new-petition"' not in text(client.get(url("proposal-list", gov), **EN))
    data = {"enterprise": str(gov.membership.enterprise_id), "kind": "policy", "title": "t", "body": "b"}
    response = client.post(url("petition-create", gov), {**data, **change_rows()}, **EN)
    assert "The charter does not allow petitions" in text(response)
    assert not Proposal.objects.exists()


def test_another_member_cosigns_through_the_page_and_the_count_goes_up(gov, as_, cosigners):
    proposal = petition(gov)
    signer = cosigners[0]
    client = as_(signer.user)
    page = text(client.get(url("proposal-detail", gov, proposal.pk), **EN))
    card = page.split('data-testid="petition"')[1].split("</section>")[0]
    assert re.search(r'data-testid="petition-count">0 of 3 co-signatures<', card)
    assert f'action="{url("proposal-cosign", gov, proposal.pk)}"' in card
    assert f'<input type="hidden" name="enterprise" value="{signer.enterprise.pk}"' in card
    assert "Co-sign for Keqiao Dyeing" in card
    assert "once 3 more member enterprises co-sign" in card

    response = client.post(
        url("proposal-cosign", gov, proposal.pk), {"enterprise": str(signer.enterprise.pk)}, follow=True, **EN
    )
    assert response.redirect_chain[-1][0] == url("proposal-detail", gov, proposal.pk)
    assert messages_of(response) == ["Keqiao Dyeing co-signed the petition."]
    signature = proposal.signatures.get()
    assert (signature.enterprise_id, signature.signed_by_id) == (signer.enterprise.pk, signer.user.pk)
    assert Proposal.objects.get(pk=proposal.pk).status == "petition"
    card = text(response).split('data-testid="petition"')[1].split("</section>")[0]
    assert re.search(r'data-testid="petition-count">1 of 3 co-signatures<', card)
    listed = card.split('data-testid="petition-signatures"')[1].split("</ul>")[0]
    assert f'data-testid="signature-{signer.enterprise.pk}"><strong>Keqiao Dyeing</strong>' in listed
    assert "Keqiao Dyeing has co-signed." in card and 'data-testid="cosign-form"' not in card
    # a second signature of the same enterprise: refused with a message, nothing written
    response = client.post(
        url("proposal-cosign", gov, proposal.pk), {"enterprise": str(signer.enterprise.pk)}, follow=True, **EN
    )
    assert messages_of(response) == ["This enterprise has already co-signed."]
    assert proposal.signatures.count() == 1
    # the next member still sees the form, and the first signature
    card = text(as_(cosigners[1].user).get(url("proposal-detail", gov, proposal.pk), **EN))
    card = card.split('data-testid="petition"')[1].split("</section>")[0]
    assert "Keqiao Dyeing" in card and 'data-testid="cosign-form"' in card


def test_at_the_required_count_the_petition_goes_to_deliberation(gov, as_, cosigners):
    proposal = petition(gov)
    for signer in cosigners[:2]:
        petition_cosign(actor=signer.user, cluster=gov.cluster, proposal_id=proposal.pk, enterprise=signer.enterprise)
    last = cosigners[2]
    response = as_(last.user).post(
        url("proposal-cosign", gov, proposal.pk), {"enterprise": str(last.enterprise.pk)}, follow=True, **EN
    )
    assert messages_of(response) == [
        "Paojiang Yarns co-signed. The petition has enough co-signers: it is open for deliberation."
    ]
    proposal.refresh_from_db()
    assert proposal.status == "deliberation" and proposal.signatures.count() == 3
    page = text(response)
    # no more co-signing; the page still says whose petition it is, and members now comment
    assert 'data-testid="petition"' not in page and 'data-testid="cosign-form"' not in page
    assert f'data-testid="petitioner">Petition by {gov.membership.enterprise.name}</span>' in page
    assert "In deliberation" in page and 'data-testid="comment-form"' in page
    # a late co-signature: refused with a message
    response = as_(gov.alice).post(
        url("proposal-cosign", gov, proposal.pk), {"enterprise": str(gov.seats[0].enterprise_id)}, follow=True, **EN
    )
    assert messages_of(response) == ["A proposal that is in deliberation cannot be co-signed."]
    assert proposal.signatures.count() == 3


def test_the_petitioner_cannot_cosign(gov, as_, cosigners):
    proposal = petition(gov)
    client = as_(gov.member)
    page = text(client.get(url("proposal-detail", gov, proposal.pk), **EN))
    assert 'data-testid="cosign-form"' not in page
    response = client.post(
        url("proposal-cosign", gov, proposal.pk), {"enterprise": str(gov.membership.enterprise_id)}, follow=True, **EN
    )
    assert response.redirect_chain[-1][0] == url("proposal-detail", gov, proposal.pk)
    assert messages_of(response) == ["The petitioning enterprise cannot co-sign its own petition."]
    assert not proposal.signatures.exists()
    assert Proposal.objects.get(pk=proposal.pk).status == "petition"
    assert re.search(r'data-testid="petition-count">0 of 3 co-signatures<', text(response))
    # nor for an enterprise it does not act for
    response = client.post(
        url("proposal-cosign", gov, proposal.pk), {"enterprise": str(cosigners[0].enterprise.pk)}, follow=True, **EN
    )
    assert messages_of(response) == ["Choose one of your member enterprises."]
    assert not proposal.signatures.exists()


def test_cosigning_is_refused_to_other_clusters_and_to_non_members(gov, as_, cosigners):
    proposal = petition(gov)
    data = {"enterprise": str(cosigners[0].enterprise.pk)}
    # the owner of a member enterprise of another cluster
    foreign_cluster = gov.foreign_admin.cluster_roles.get().cluster
    foreign_owner = UserFactory()
    foreign_enterprise = EnterpriseFactory(owner=foreign_owner)
    MembershipFactory(cluster=foreign_cluster, enterprise=foreign_enterprise)
    foreign_data = {"enterprise": str(foreign_enterprise.pk)}
    assert as_(foreign_owner).post(url("proposal-cosign", gov, proposal.pk), foreign_data, **EN).status_code == 403
    assert as_(gov.foreign_admin).post(url("proposal-cosign", gov, proposal.pk), data, **EN).status_code == 403
    assert as_(gov.outsider).post(url("proposal-cosign", gov, proposal.pk), data, **EN).status_code == 403
    # the other cluster's own URL does not reveal the petition
    foreign_url = reverse("proposal-cosign", args=[foreign_cluster.slug, proposal.pk])
    assert as_(foreign_owner).post(foreign_url, foreign_data, **EN).status_code == 404
    # a seat holder who acts for no enterprise
    assert as_(gov.bob).post(url("proposal-cosign", gov, proposal.pk), data, **EN).status_code == 403
    assert as_(None).post(url("proposal-cosign", gov, proposal.pk), data).status_code == 302
    assert not proposal.signatures.exists()


def test_cosign_url_answers_only_post(gov, as_, cosigners):
    proposal = petition(gov)
    client = as_(cosigners[0].user)
    assert client.get(url("proposal-cosign", gov, proposal.pk), **EN).status_code == 405
    assert (
        client.get(url("proposal-cosign", gov, proposal.pk), {"enterprise": cosigners[0].enterprise.pk}).status_code
        == 405
    )
    assert not proposal.signatures.exists()


def test_a_person_of_two_member_enterprises_chooses_which_cosigns(gov, as_, cosigners):
    proposal = petition(gov)
    person = cosigners[0].user
    second = EnterpriseFactory(owner=UserFactory(), legal_name_en="Huashe Looms")
    second.people.create(user=person, role="admin")
    MembershipFactory(cluster=gov.cluster, enterprise=second)
    client = as_(person)
    page = text(client.get(url("proposal-detail", gov, proposal.pk), **EN))
    form = page.split('data-testid="cosign-form"')[1].split("</form>")[0]
    assert '<select name="enterprise"' in form
    assert f'<option value="{second.pk}">Huashe Looms</option>' in form
    assert f'<option value="{cosigners[0].enterprise.pk}">Keqiao Dyeing</option>' in form
    client.post(url("proposal-cosign", gov, proposal.pk), {"enterprise": str(second.pk)}, **EN)
    assert list(proposal.signatures.values_list("enterprise_id", flat=True)) == [second.pk]
    # only the other enterprise is left to choose: a hidden field
    form = text(client.get(url("proposal-detail", gov, proposal.pk), **EN)).split('data-testid="cosign-form"')[1]
    assert f'<input type="hidden" name="enterprise" value="{cosigners[0].enterprise.pk}"' in form.split("</form>")[0]


def _detail_queries(client, gov, proposal) -> int:
    with cold_queries() as queries:
        assert client.get(url("proposal-detail", gov, proposal.pk), **EN).status_code == 200
    return len(queries)


def test_petition_page_reads_a_fixed_number_of_queries(gov, as_, cosigners):
    charter(gov, **{"governance.petition_cosigners": 10})
    proposal = petition(gov)
    first, others = cosigners[0], cosigners[1:]
    petition_cosign(actor=first.user, cluster=gov.cluster, proposal_id=proposal.pk, enterprise=first.enterprise)
    client = as_(gov.alice)  # a member who may still co-sign
    one = _detail_queries(client, gov, proposal)
    for signer in others:
        petition_cosign(actor=signer.user, cluster=gov.cluster, proposal_id=proposal.pk, enterprise=signer.enterprise)
    assert proposal.signatures.count() == 3
    assert _detail_queries(client, gov, proposal) == one
    page = text(client.get(url("proposal-detail", gov, proposal.pk), **EN))
    assert re.search(r'data-testid="petition-count">3 of 10 co-signatures<', page)
    assert 'data-testid="cosign-form"' in page


def test_html_in_a_petition_is_escaped(gov, as_, cosigners):
    title = '<script>alert("x")</script> & <b>bold</b>'
    firm = EnterpriseFactory(owner=UserFactory(), legal_name_en="<i>Evil</i> Weaving")
    MembershipFactory(cluster=gov.cluster, enterprise=firm)
    firm.people.create(user=gov.member, role="admin")
    data = {"enterprise": str(firm.pk), "kind": "policy", "title": title, "body": "<img src=x>", **change_rows()}
    response = as_(gov.member).post(url("petition-create", gov), data, follow=True, **EN)
    proposal = Proposal.objects.get()
    assert (proposal.title, proposal.petitioner_id) == (title, firm.pk)
    petition_cosign(
        actor=cosigners[0].user, cluster=gov.cluster, proposal_id=proposal.pk, enterprise=cosigners[0].enterprise
    )
    for page in (
        text(response),
        text(as_(cosigners[1].user).get(url("proposal-detail", gov, proposal.pk), **EN)),
        text(as_(cosigners[1].user).get(url("proposal-list", gov), **EN)),
    ):
        assert "<script>alert" not in page and "<b>bold</b>" not in page and "<i>Evil</i>" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
        assert "&lt;i&gt;Evil&lt;/i&gt; Weaving" in page
    assert "&lt;img src=x&gt;" in text(response) and "<img src=x>" not in text(response)
