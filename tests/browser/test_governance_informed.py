"""Real browser, in English and in Chinese: a council member is kept informed (issue 15 item 8).

Three council members; a rule change is in its vote. The first opens the proposal's page: the
turnout reads 0 of 3 and the quorum wants 2 votes. The second votes from their own browser
session; without a reload, the first one's page follows (1 of 3, one more vote needed): the page
polls its fragment under the site's Content Security Policy, without script errors. Then the
first drafts a new rule change, choosing the parameter by its name (grouped, with its value in
force) and reading its description and range under the row; the draft carries the key.
"""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from apps.governance.models import Proposal, Vote
from apps.governance.services.council import council_bootstrap
from apps.governance.services.proposals import proposal_draft, proposal_open_voting, proposal_submit
from apps.tenancy.rules import REGISTRY
from tests.browser.test_membership_flow import log_in
from tests.browser.test_pages import allow_async_unsafe, browser, new_context  # noqa: F401 (fixtures)
from tests.factories import ClusterFactory, ClusterRoleFactory, UserFactory

PRICE = "matching.weight.price"
LANGUAGES = {"en-US": "en", "zh-CN": "zh-hans"}
POLL = 15_000  # the page polls every 5 s


@pytest.fixture
def scene(transactional_db):
    cluster = ClusterFactory(slug="yangtze-textile", name_en="Yangtze Delta Textile & Apparel Cluster")
    admin = ClusterRoleFactory(cluster=cluster).user
    holders = [
        UserFactory(email="zhang@huafang.cn", name="Zhang Wei"),
        UserFactory(email="prof.li@zju.edu.cn", name="Prof. Li Hua"),
        UserFactory(email="wang@assoc.cn", name="Wang Fang"),
    ]
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
            for holder, chamber in zip(
                holders, ("leading_enterprises", "industry_experts", "institutions"), strict=True
            )
        ],
    )
    proposal = proposal_draft(
        actor=holders[0],
        cluster=cluster,
        kind="rule_change",
        title="Suspend after 4 open reports",
        body="Three reports suspend too quickly for large members.",
        changes={"moderation.open_reports_to_suspend": 4},
    )
    proposal_submit(actor=holders[0], cluster=cluster, proposal_id=proposal.pk)
    proposal_open_voting(actor=holders[0], cluster=cluster, proposal_id=proposal.pk)
    return {"cluster": cluster, "holders": holders, "proposal": proposal}


@pytest.mark.browser
@pytest.mark.parametrize("locale", list(LANGUAGES))
def test_turnout_follows_a_vote_cast_elsewhere_and_a_parameter_is_chosen_by_its_name(scene, new_context, locale):  # noqa: F811
    cluster, proposal, holders = scene["cluster"], scene["proposal"], scene["holders"]
    language = LANGUAGES[locale]
    detail = f"/clusters/{cluster.slug}/proposals/{proposal.pk}/"

    # The first council member reads the open vote: nobody has voted yet.
    page = log_in(new_context(locale=locale), holders[0].email, next_path=detail)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    expect(page.locator("html")).to_have_attribute("lang", language)
    with translation.override(language):
        expect(page.get_by_test_id("voting-window")).to_contain_text(gettext("Voting is open"))
    progress = page.get_by_test_id("vote-progress")
    expect(progress).to_have_attribute("data-cast", "0")
    expect(progress).to_have_attribute("data-seats", "3")
    expect(progress).to_have_attribute("data-quorum-missing", "2")
    if language == "en":
        expect(progress.get_by_test_id("turnout")).to_have_text("Turnout: 0 of 3 seats have voted (0 %)")
        expect(progress.get_by_test_id("quorum-progress")).to_contain_text("2 more votes needed")
    page.evaluate("window.notReloaded = true")
    page.screenshot(path=f"/tmp/proposal-progress-before-{language}.png", full_page=True)

    # The second votes from their own session.
    other = log_in(new_context(locale=locale), holders[1].email, next_path=detail)
    box = other.get_by_test_id("vote-box")
    box.locator("input[name=choice][value=yes]").check()
    box.get_by_test_id("cast-vote").click()
    expect(other.get_by_test_id("my-vote")).to_be_visible()
    assert Vote.objects.filter(proposal=proposal, voter=holders[1]).exists()

    # The first page follows without a reload: one of three voted, one more vote for the quorum.
    expect(progress).to_have_attribute("data-cast", "1", timeout=POLL)
    expect(progress).to_have_attribute("data-quorum-missing", "1")
    assert page.evaluate("window.notReloaded") is True
    if language == "en":
        expect(progress.get_by_test_id("turnout")).to_have_text("Turnout: 1 of 3 seats have voted (33.33 %)")
        expect(progress.get_by_test_id("quorum-progress")).to_contain_text("1 more vote needed")
    expect(page.get_by_test_id("result")).to_have_count(0)  # still a secret ballot
    page.screenshot(path=f"/tmp/proposal-progress-after-{language}.png", full_page=True)

    # A new rule change: the parameter is chosen by its name, and described under its row.
    page.goto(f"/clusters/{cluster.slug}/proposals/new/")
    form = page.get_by_test_id("proposal-form")
    form.locator("input[name=kind][value=rule_change]").check()
    form.locator("input[name=title]").fill("Price weighs more")
    form.locator("textarea[name=body]").fill("Members asked for offers closer to their target prices.")
    rule = REGISTRY[PRICE]
    with translation.override(language):
        label = gettext("%(name)s (now %(value)s)") % {"name": rule.name, "value": "0.25"}
        description, unit = str(rule.description), rule.unit_label
    row = form.get_by_test_id("change-row").first
    row.locator("select").select_option(label=label)
    help_line = row.get_by_test_id("parameter-help")
    expect(help_line).to_be_visible()
    expect(help_line).to_contain_text(description)
    expect(help_line).to_contain_text(f"0 – 1 {unit}")
    row.locator("input[name$=-value]").fill("0.4")
    page.screenshot(path=f"/tmp/proposal-form-parameter-{language}.png", full_page=True)
    form.get_by_test_id("save-proposal").click()

    draft = Proposal.objects.exclude(pk=proposal.pk).get(cluster=cluster)
    assert (draft.status, draft.changes) == ("draft", {PRICE: 0.4})
    diff_row = page.get_by_test_id(f"diff-{PRICE}")
    with translation.override(language):
        expect(diff_row.get_by_test_id("diff-name")).to_have_text(str(rule.name))
    expect(diff_row.get_by_test_id("diff-new")).to_have_text("0.4")
    assert errors == []
