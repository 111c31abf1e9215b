"""Who hears of innovation's events, and how they read (registered with the notifications app).

Each notification is stored as kind + params (names in both scripts, ids) and rendered when read.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from apps.membership.models import EnterpriseMember
from apps.notifications import messages
from apps.notifications.messages import name_of
from apps.notifications.services import Notice, notify_many

# --- challenges and solutions ---


def _link(challenge) -> str:
    return reverse("challenge-page", args=[challenge.cluster.slug, challenge.pk])


def _people_of(enterprise_ids) -> list:
    return [
        p.user for p in EnterpriseMember.objects.filter(enterprise_id__in=set(enterprise_ids)).select_related("user")
    ]


def _raise(users, *, kind, challenge, actor=None, **params) -> None:
    distinct = {u.pk: u for u in users if actor is None or u.pk != actor.pk}
    values = {"challenge": challenge.pk, "title": challenge.title, **params}
    notify_many(
        Notice(user=u, kind=kind, params=values, link=_link(challenge), cluster=challenge.cluster)
        for u in distinct.values()
    )


def challenge_proposed(*, challenge, experts) -> None:
    """Matching experts hear of a challenge just opened."""
    _raise([expert.user for expert in experts], kind="innovation.challenge_proposed", challenge=challenge)


def solution_submitted(*, challenge, solution, seeker_users) -> None:
    _raise(seeker_users, kind="innovation.solution_submitted", challenge=challenge, solution=solution.pk)


def question_asked(*, challenge, solution, authors, actor) -> None:
    _raise(authors, kind="innovation.question_asked", challenge=challenge, actor=actor, solution=solution.pk)


def solution_awarded(*, challenge, solution, authors, winner) -> None:
    _raise(
        authors,
        kind="innovation.solution_awarded",
        challenge=challenge,
        solution=solution.pk,
        winner=name_of(winner) if winner is not None else "",
    )


def withdrawal_requested(*, challenge, admins) -> None:
    _raise(admins, kind="innovation.withdrawal_requested", challenge=challenge)


def people_of(enterprise_ids) -> list:
    return _people_of(enterprise_ids)


def register() -> None:
    messages.register(
        "innovation.challenge_proposed",
        gettext_lazy("A challenge matches your expertise: %(title)s"),
        gettext_lazy("Accept its terms to read the details and submit a solution."),
    )
    messages.register(
        "innovation.solution_submitted",
        gettext_lazy("A solution was submitted to %(title)s"),
        gettext_lazy("Only you and its authors can read it."),
    )
    messages.register(
        "innovation.question_asked",
        gettext_lazy("The seeker asked a question about your solution to %(title)s"),
        gettext_lazy("Answer it on the solution's page."),
    )
    messages.register(
        "innovation.solution_awarded",
        gettext_lazy("Your solution to %(title)s won the award"),
        gettext_lazy("Where the award includes production, the order is in the marketplace."),
    )
    messages.register(
        "innovation.withdrawal_requested",
        gettext_lazy("The seeker asks to withdraw %(title)s"),
        gettext_lazy("It has submissions: the administrators decide."),
    )
