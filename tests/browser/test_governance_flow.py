"""Real-browser journey of governance: read the diff, vote, see the result, see the rule change.

A cluster's administrator has appointed two council members; the first drafted a rule change
on ``matching.weight.price`` (0.25 → 0.4), submitted it and put it to the vote (all through
the services). The first council member logs in through the login page, opens the proposal,
reads the diff against the rulebook in force and votes yes; the second votes through the
service; the window is closed; the reloaded page shows the result with its counts, and the
rulebook shows 0.4. The proposal page is checked on a phone and on a desktop.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.governance.models import Proposal, RuleVersion, Vote
from apps.governance.services.council import council_bootstrap
from apps.governance.services.proposals import proposal_draft, proposal_open_voting, proposal_submit
from apps.governance.services.voting import proposal_close, vote_cast
from apps.tenancy.rules import rule_value
from tests.browser.test_membership_flow import log_in
from tests.browser.test_pages import DESKTOP, PHONE, allow_async_unsafe, browser, new_context  # noqa: F401 (fixtures)
from tests.factories import ClusterFactory, ClusterRoleFactory, UserFactory

PRICE = "matching.weight.price"
TITLE = "Weigh price more in matching"


def fits_the_phone(page) -> bool:
    """Nothing sticks out sideways: measured once the page has loaded (its stylesheet applied)."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.fixture
def scene(transactional_db):
    cluster = ClusterFactory(slug="yangtze-textile", name_en="Yangtze Delta Textile & Apparel Cluster")
    admin = ClusterRoleFactory(cluster=cluster, user=UserFactory(email="admin@yangtze.cn", name="Li Ming")).user
    first = UserFactory(email="zhang@huafang.cn", name="Zhang Wei")
    second = UserFactory(email="prof.li@zju.edu.cn", name="Prof. Li Hua")
    now = timezone.now()
    council_bootstrap(
        actor=admin,
        cluster=cluster,
        seats=[
            {
                "holder": holder,
                "chamber": chamber,
                "term_start": now - datetime.timedelta(days=30),
                "term_end": now + datetime.timedelta(days=700),
            }
            for holder, chamber in ((first, "leading_enterprises"), (second, "industry_experts"))
        ],
    )
    proposal = proposal_draft(
        actor=first,
        cluster=cluster,
        kind="rule_change",
        title=TITLE,
        body="Members asked for offers closer to their target prices.\n\nPrice should weigh 0.4 instead of 0.25.",
        changes={PRICE: 0.4},
    )
    proposal_submit(actor=first, cluster=cluster, proposal_id=proposal.pk)
    proposal_open_voting(
        actor=first, cluster=cluster, proposal_id=proposal.pk, closes_at=now + datetime.timedelta(hours=26)
    )
    proposal.refresh_from_db()
    return {"cluster": cluster, "admin": admin, "first": first, "second": second, "proposal": proposal}


@pytest.mark.browser
def test_council_member_reads_the_diff_votes_and_sees_the_result_and_the_new_rule(scene, new_context):  # noqa: F811
    cluster, proposal = scene["cluster"], scene["proposal"]
    detail = f"/clusters/{cluster.slug}/proposals/{proposal.pk}/"

    # The first council member logs in and opens the proposal from the list.
    page = log_in(new_context(), scene["first"].email, next_path=f"/clusters/{cluster.slug}/proposals/")
    errors = []  # the pages' scripts run under the site's Content Security Policy, without errors
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    row = page.get_by_test_id(f"proposal-{proposal.pk}")
    expect(row).to_contain_text("Voting")
    expect(row.get_by_test_id("time-left")).to_contain_text("left")
    page.screenshot(path="/tmp/proposals-desktop.png", full_page=True)
    row.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(re.compile(re.escape(detail) + "$"))

    # The diff against the rulebook in force: 0.25 → 0.4.
    diff_row = page.get_by_test_id(f"diff-{PRICE}")
    expect(diff_row).to_be_visible()
    expect(diff_row.get_by_test_id("diff-old")).to_have_text("0.25")
    expect(diff_row.get_by_test_id("diff-new")).to_have_text("0.4")
    expect(diff_row).to_contain_text("weight")

    # The countdown ticks (progressive enhancement); the closing time stays as rendered.
    countdown = page.get_by_test_id("countdown")
    expect(countdown).to_have_text(re.compile(r"^1 d 0[01]:\d\d:\d\d$"))
    first_reading = countdown.inner_text()
    expect(countdown).not_to_have_text(first_reading, timeout=3000)
    expect(page.get_by_test_id("closes-at")).to_be_visible()
    expect(page.get_by_test_id("result")).to_have_count(0)  # no result while the window is open
    page.screenshot(path="/tmp/proposal-voting-desktop.png", full_page=True)

    # The vote: yes, with a reason.
    box = page.get_by_test_id("vote-box")
    box.get_by_label("Yes").check()
    box.get_by_label("Reason (optional)").fill("Closer prices help small buyers.")
    box.get_by_test_id("cast-vote").click()
    expect(page.locator(".message-success")).to_have_text("Your vote is recorded: Yes.")
    expect(page.get_by_test_id("my-vote")).to_contain_text("You voted Yes — you may change it until")
    vote = Vote.objects.get(proposal=proposal)
    assert (vote.voter_id, vote.choice, vote.reason) == (scene["first"].pk, "yes", "Closer prices help small buyers.")
    expect(page.get_by_test_id("result")).to_have_count(0)

    # The same page on a phone: the vote box and the diff fit, nothing sticks out sideways.
    phone = log_in(new_context(viewport=PHONE), scene["first"].email, next_path=detail)
    expect(phone.get_by_test_id("vote-box")).to_be_visible()
    expect(phone.get_by_test_id(f"diff-{PRICE}").get_by_test_id("diff-new")).to_be_visible()
    assert fits_the_phone(phone)
    phone.screenshot(path="/tmp/proposal-voting-phone.png", full_page=True)

    # The second council member votes through the service; then the window closes.
    vote_cast(actor=scene["second"], cluster=cluster, proposal_id=proposal.pk, choice="yes")
    closed = proposal_close(proposal_id=proposal.pk, now=proposal.voting_closes_at + datetime.timedelta(seconds=1))
    assert closed.status == Proposal.Status.ENACTED

    # Reloaded: the result with its counts, and a link to the new rulebook version.
    page.reload()
    result = page.get_by_test_id("result")
    expect(result).to_contain_text("Result: passed")
    for name, number in (("seats", 2), ("cast", 2), ("yes", 2), ("no", 0), ("abstain", 0)):
        expect(result.get_by_test_id(f"result-{name}")).to_have_text(str(number))
    expect(result.get_by_test_id("result-quorum")).to_contain_text("50 % of the seats must vote (1 of 2); 2 voted")
    expect(result.get_by_test_id("result-quorum")).to_contain_text("met")
    expect(result.get_by_test_id("result-threshold")).to_contain_text("more than 50 % of the yes and no votes")
    expect(page.get_by_test_id("vote-box")).to_have_count(0)
    page.screenshot(path="/tmp/proposal-result-desktop.png", full_page=True)
    phone.reload()
    expect(phone.get_by_test_id("result")).to_be_visible()
    assert fits_the_phone(phone)
    phone.screenshot(path="/tmp/proposal-result-phone.png", full_page=True)

    # The rulebook now has 0.4 for the price weight, and its history points at the proposal.
    version = RuleVersion.objects.get(proposal=proposal)
    result.get_by_test_id("rulebook-version-link").get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/clusters/{cluster.slug}/rules/#version-{version.number}$"))
    expect(page.get_by_test_id(f"rule-{PRICE}").get_by_test_id("rule-value")).to_contain_text("0.4")
    history = page.get_by_test_id(f"version-{version.number}")
    expect(history).to_contain_text(f"{PRICE}: 0.25 → 0.4")
    expect(history.get_by_test_id("version-proposal")).to_have_text(TITLE)
    assert rule_value(cluster=cluster, key=PRICE) == 0.4
    phone.goto(f"/clusters/{cluster.slug}/rules/")
    expect(phone.get_by_test_id(f"rule-{PRICE}")).to_be_visible()
    assert fits_the_phone(phone)
    phone.screenshot(path="/tmp/rulebook-phone.png", full_page=True)
    phone.get_by_test_id(f"version-{version.number}").scroll_into_view_if_needed()
    phone.screenshot(path="/tmp/rulebook-history-phone.png")
    assert errors == []


@pytest.mark.browser
def test_council_page_and_drafting_a_proposal_on_a_phone(scene, new_context):  # noqa: F811
    cluster = scene["cluster"]

    # The administrator sees the council by chamber; it is constituted, so there is no form to appoint seats.
    desktop = log_in(new_context(viewport=DESKTOP), scene["admin"].email, next_path=f"/clusters/{cluster.slug}/")
    desktop.get_by_test_id("council-link").click()
    expect(desktop.get_by_test_id("chamber-leading_enterprises")).to_contain_text("Zhang Wei")
    expect(desktop.get_by_test_id("chamber-industry_experts")).to_contain_text("Prof. Li Hua")
    expect(desktop.get_by_test_id("bootstrap-form")).to_have_count(0)
    desktop.screenshot(path="/tmp/council-desktop.png", full_page=True)
    desktop.goto(f"/clusters/{cluster.slug}/rules/")
    expect(desktop.get_by_test_id(f"rule-{PRICE}").get_by_test_id("rule-value")).to_contain_text("0.25")
    desktop.screenshot(path="/tmp/rulebook-desktop.png", full_page=True)

    # A council member drafts a rule change on a phone: only ordinary parameters are offered,
    # an out-of-range value is refused on its row, a second row is added, the draft is saved.
    phone = log_in(new_context(viewport=PHONE), scene["second"].email, next_path=f"/clusters/{cluster.slug}/council/")
    errors = []
    phone.on("console", lambda message: message.type == "error" and errors.append(message.text))
    assert fits_the_phone(phone)
    phone.screenshot(path="/tmp/council-phone.png", full_page=True)
    phone.goto(f"/clusters/{cluster.slug}/proposals/")
    expect(phone.get_by_test_id(f"proposal-{scene['proposal'].pk}")).to_contain_text("left")
    assert fits_the_phone(phone)
    phone.screenshot(path="/tmp/proposals-phone.png", full_page=True)
    phone.get_by_test_id("new-proposal").click()
    form = phone.get_by_test_id("proposal-form")
    form.get_by_label("Rule change").check()
    expect(form.get_by_test_id("sanction")).to_be_hidden()
    first_key = form.locator("select[name=changes-0-key]")
    assert first_key.locator("option[value='governance.quorum']").is_disabled()
    form.get_by_label("Title").fill("Shorter proposals expiry")
    form.get_by_label("Text").fill("48 hours are enough for both sides to answer.")
    first_key.select_option("marketplace.proposal_expiry_hours")
    form.locator("input[name=changes-0-value]").fill("1000")
    form.get_by_test_id("save-proposal").click()
    row = phone.get_by_test_id("change-row").first
    expect(row).to_contain_text("Must be between 1 and 720.")
    assert fits_the_phone(phone)
    phone.screenshot(path="/tmp/proposal-form-phone.png", full_page=True)
    form.locator("input[name=changes-0-value]").fill("48")
    rows_before = form.get_by_test_id("change-row").count()
    form.get_by_test_id("add-change-row").click()
    expect(form.get_by_test_id("change-row")).to_have_count(rows_before + 1)
    form.locator(f"select[name=changes-{rows_before}-key]").select_option("matching.price_tolerance")
    form.locator(f"input[name=changes-{rows_before}-value]").fill("0.15")
    form.get_by_test_id("save-proposal").click()
    expect(phone.locator(".message-success")).to_contain_text("is saved as a draft")
    draft = Proposal.objects.get(title="Shorter proposals expiry")
    assert (draft.status, draft.changes) == (
        "draft",
        {"marketplace.proposal_expiry_hours": 48, "matching.price_tolerance": 0.15},
    )
    expect(phone.get_by_test_id("diff-marketplace.proposal_expiry_hours").get_by_test_id("diff-old")).to_have_text("72")
    assert fits_the_phone(phone)
    phone.screenshot(path="/tmp/proposal-draft-phone.png", full_page=True)
    assert errors == []
