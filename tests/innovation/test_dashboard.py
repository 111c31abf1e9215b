"""What the data shows: the cluster dashboard's innovation figures (challenges posted, solved, the
median time to a solution, the library's reuse) and the innovation links of the collaboration
network (seeker–solver, consortium partners), computed from the rows and shown on the page."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.innovation.models import KnowledgeEntry, KnowledgeUse, Solution, SolutionShare
from apps.monitoring import kpis
from tests.factories.innovation import ChallengeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def innovated(world):
    now = timezone.now()
    solved = ChallengeFactory(
        cluster=world.cluster,
        seeker=world.seeker,
        status="awarded",
        opened_at=now - datetime.timedelta(days=12),
        decided_at=now - datetime.timedelta(days=2),
    )
    ChallengeFactory(cluster=world.cluster, seeker=world.seeker)  # open
    ChallengeFactory(cluster=world.cluster, seeker=world.seeker, status="draft", opened_at=None)  # not posted
    solution = Solution.objects.create(
        cluster=world.cluster, challenge=solved, kind="consortium", submitted_by=world.solver_owner, title="t", body="b"
    )
    SolutionShare.objects.create(solution=solution, enterprise=world.solver, percent=60)
    SolutionShare.objects.create(solution=solution, enterprise=world.partner, percent=40)
    entry = KnowledgeEntry.objects.create(
        cluster=world.cluster, enterprise=world.seeker, kind="guide", title="g", body="b", status="published"
    )
    KnowledgeUse.objects.create(entry=entry, enterprise=world.rival, kind="helped")
    KnowledgeUse.objects.create(entry=entry, enterprise=world.seeker, kind="view")  # its author: not reuse
    return world


def test_the_figures_count_posted_solved_time_to_solution_and_reuse(innovated):
    w = innovated
    metrics = kpis.compute(w.cluster)
    assert metrics["innovation"] == {
        "challenges_posted": 2,
        "challenges_solved": 1,
        "median_days_to_solution": 10.0,
        "library_entries": 1,
        "library_entries_reused": 1,
        "library_reusing_enterprises": 1,
    }
    pairs = {
        tuple(sorted(p)) for p in [(w.seeker.pk, w.solver.pk), (w.seeker.pk, w.partner.pk), (w.solver.pk, w.partner.pk)]
    }
    assert {tuple(edge) for edge in metrics["network"]["innovation_edges"]} == pairs
    assert metrics["network"]["innovation_links"] == 3


def test_the_dashboard_page_shows_them_and_names_the_innovation_partners(innovated):
    client = Client()
    client.force_login(innovated.admin)
    page = client.get(reverse("cluster-dashboard", args=[innovated.cluster.slug]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Challenges posted" in text and "Median time to a solution" in text and "10.0 d" in text
    assert "Innovation links" in text
    names = page.context["dashboard_data"]["enterprises"]
    assert {str(innovated.solver.pk), str(innovated.partner.pk)} <= set(names)


def test_the_dashboard_stays_closed_to_members(innovated):
    client = Client()
    client.force_login(innovated.solver_owner)
    assert client.get(reverse("cluster-dashboard", args=[innovated.cluster.slug])).status_code in (403, 404)
