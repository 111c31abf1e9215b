"""The pages of innovation through the test client: posting a challenge, the click-through of the
terms, submitting and revising a consortium's solution with a document, the seeker's review
(shortlist, question thread, award into a marketplace order), an expert's profile; bad input is a
field error on the form (never a 500) and another cluster's people get 404."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.innovation.models import Challenge, ExpertProfile, Solution, TermsAcceptance
from apps.marketplace.models import Order

from .conftest import stored_files

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _local(days: float) -> str:
    return timezone.localtime(timezone.now() + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def challenge_form(world, **overrides) -> dict:
    data = {
        "seeker": str(world.seeker.pk),
        "title": "低温涤纶染色 Low-temperature dyeing",
        "summary": "Dye polyester below 100 °C.",
        "details": "CONFIDENTIAL recipe at 130 °C",
        "terms": "Keep it confidential.",
        "capabilities": ["dyeing-finishing"],
        "tags": "polyester, 染色",
        "deadline": _local(30),
        "award_amount": "50000",
        "award_currency": "CNY",
        "production_capability": "dyeing-finishing",
        "production_quantity": "4000",
        "production_unit": "m",
        "production_unit_price": "12.00",
        "rights": "licence",
        "publish": "on",
    }
    data.update(overrides)
    return data


def _url(world, name, *args):
    return reverse(name, args=[world.cluster.slug, *args])


def test_posting_a_challenge_shows_field_errors_then_posts_it(world):
    seeker = browser(world.seeker_owner)
    assert 'data-testid="post-challenge"' in seeker.get(_url(world, "challenge-list-page")).content.decode()
    assert seeker.get(_url(world, "challenge-create-page")).status_code == 200
    past = seeker.post(_url(world, "challenge-create-page"), challenge_form(world, deadline=_local(-1)))
    assert past.status_code == 200 and past.context["form"].errors.get("deadline")
    low = seeker.post(_url(world, "challenge-create-page"), challenge_form(world, award_amount="1"))
    assert low.status_code == 200 and "award_amount" in low.context["form"].errors
    garbage = seeker.post(_url(world, "challenge-create-page"), challenge_form(world, production_quantity="x"))
    assert garbage.status_code == 200 and "production_quantity" in garbage.context["form"].errors
    assert not Challenge.objects.filter(cluster=world.cluster).exists()  # nothing half-written
    posted = seeker.post(_url(world, "challenge-create-page"), challenge_form(world))
    challenge = Challenge.objects.get(cluster=world.cluster)
    assert posted.status_code == 302 and posted["Location"] == _url(world, "challenge-page", challenge.pk)
    assert challenge.status == "open" and challenge.tags == ["polyester", "染色"]
    assert [c.code for c in challenge.capabilities.all()] == ["dyeing-finishing"]


def test_terms_then_a_consortium_solution_with_a_document_then_the_seekers_review_and_award(world):
    seeker, solver, rival = browser(world.seeker_owner), browser(world.solver_owner), browser(world.rival_owner)
    seeker.post(_url(world, "challenge-create-page"), challenge_form(world))
    challenge = Challenge.objects.get(cluster=world.cluster)
    detail = _url(world, "challenge-page", challenge.pk)
    before = solver.get(detail).content.decode()
    assert "CONFIDENTIAL recipe" not in before and "challenge-accept-terms-page" not in before
    assert solver.get(_url(world, "solution-create-page", challenge.pk)).status_code == 200
    solver.post(_url(world, "challenge-accept-terms-page", challenge.pk))
    assert TermsAcceptance.objects.filter(challenge=challenge, user=world.solver_owner).exists()
    assert "CONFIDENTIAL recipe" in solver.get(detail).content.decode()

    form = {
        "kind": "consortium",
        "title": "Carrier-free dyeing",
        "body": "Our recipe at 95 °C",
        "share_enterprise_0": world.solver.pk,
        "share_percent_0": "60",
        "share_enterprise_1": world.partner.pk,
        "share_percent_1": "30",
    }
    create = _url(world, "solution-create-page", challenge.pk)
    uneven = solver.post(create, form)
    assert uneven.status_code == 200 and uneven.context["form"].errors.get("share_enterprise_0")
    pdf = SimpleUploadedFile("method.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    refused = solver.post(create, {**form, "document": pdf})  # shares refused by the service: no file kept
    assert refused.context["form"].errors.get("share_enterprise_0")
    assert stored_files() == []
    exe = SimpleUploadedFile("x.exe", b"MZ", content_type="application/x-msdownload")
    refused = solver.post(create, {**form, "share_percent_1": "40", "document": exe})
    assert refused.status_code == 200 and "document" in refused.context["form"].errors
    assert not Solution.objects.exists()
    pdf = SimpleUploadedFile("method.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    assert solver.post(create, {**form, "share_percent_1": "40", "document": pdf}).status_code == 302
    solution = Solution.objects.get()
    assert sorted(s.percent for s in solution.shares.all()) == [40, 60]
    stored = solution.files.get()
    assert (stored.name, stored.size, stored.content_type) == ("method.pdf", 13, "application/pdf")

    revise = _url(world, "solution-revise-page", challenge.pk, solution.pk)
    assert solver.post(revise, {"title": "Carrier-free dyeing v2", "body": "At 92 °C"}).status_code == 302
    solution.refresh_from_db()
    assert solution.revision == 2 and solution.title == "Carrier-free dyeing v2"
    # the rival sees neither the solution nor its revision page
    assert "Carrier-free" not in rival.get(detail).content.decode()
    assert rival.get(revise).status_code == 404
    assert rival.post(_url(world, "solution-shortlist-page", challenge.pk, solution.pk)).status_code == 404

    seeker.post(_url(world, "solution-shortlist-page", challenge.pk, solution.pk))
    seeker.post(_url(world, "solution-question-page", challenge.pk, solution.pk), {"question": "Wash fastness?"})
    solution.refresh_from_db()
    question = solution.questions.get()
    assert solution.shortlisted and question.question == "Wash fastness?"
    empty = seeker.post(_url(world, "solution-question-page", challenge.pk, solution.pk), {"question": ""})
    assert empty.status_code == 302 and solution.questions.count() == 1
    partner = browser(world.partner_owner)  # a consortium partner answers
    partner.post(
        _url(world, "solution-answer-page", challenge.pk, solution.pk), {"question_id": question.pk, "answer": "4"}
    )
    question.refresh_from_db()
    assert question.answer == "4"

    assert rival.post(_url(world, "challenge-award-page", challenge.pk), {"solutions": [solution.pk]}).status_code in (
        403,
        404,
    )
    awarded = seeker.post(_url(world, "challenge-award-page", challenge.pk), {"solutions": [solution.pk]})
    assert awarded.status_code == 302
    challenge.refresh_from_db()
    award = challenge.awards.get()
    assert challenge.status == "awarded" and award.winner == world.solver
    assert Order.objects.get(pk=award.order_id).quantity == 4000


def test_an_expert_saves_a_profile_with_field_errors_for_bad_input(world):
    expert = browser(world.rival_owner)
    url = _url(world, "expert-profile-page")
    assert expert.get(url).status_code == 200
    bad = expert.post(url, {"kind": "wizard", "name": "", "capabilities": ["no-such"]})
    assert bad.status_code == 200 and {"kind", "name", "capabilities"} <= set(bad.context["form"].errors)
    saved = expert.post(
        url, {"kind": "lab", "name": "印染实验室 Dye lab", "capabilities": ["dyeing-finishing"], "tags": "polyester"}
    )
    assert saved.status_code == 302
    profile = ExpertProfile.objects.get(cluster=world.cluster, user=world.rival_owner)
    assert profile.kind == "lab" and profile.tags == ["polyester"]
    assert "印染实验室" in expert.get(_url(world, "expert-list-page")).content.decode()


def test_another_clusters_people_get_404_on_every_page(world):
    seeker = browser(world.seeker_owner)
    seeker.post(_url(world, "challenge-create-page"), challenge_form(world))
    challenge = Challenge.objects.get(cluster=world.cluster)
    foreign = browser(world.foreign_owner)
    for name, args in [
        ("challenge-list-page", ()),
        ("challenge-create-page", ()),
        ("challenge-page", (challenge.pk,)),
        ("solution-create-page", (challenge.pk,)),
        ("expert-profile-page", ()),
    ]:
        assert foreign.get(_url(world, name, *args)).status_code == 404, name
    assert foreign.post(_url(world, "challenge-award-page", challenge.pk), {"solutions": [1]}).status_code == 404
