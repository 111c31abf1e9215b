"""The council's page: its seats by chamber and how the charter has it decide; an administrator
constitutes the empty council there once, and a holder resigns a seat."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from apps.core.errors import ConflictError, DomainError
from apps.tenancy.pages import ADMINISTRATOR, POST, cluster_page, refused
from apps.tenancy.rules import rules_in_force

from .. import selectors
from ..forms import founding_seat_formset
from ..models import Seat
from ..services import council as council_services
from .base import READERS, READERS_REFUSAL, percent

SEAT_FILLING_LABELS = {
    "election": gettext_lazy("Seats filled by election: a member enterprise's petition puts the candidate forward"),
    "nomination": gettext_lazy("Seats filled by nomination: the chamber's seat holders put the candidate forward"),
    "appointment": gettext_lazy("Seats filled by appointment: any seat holder puts the candidate forward"),
}
SEAT_STATES = {
    "current": gettext_lazy("Current"),
    "upcoming": gettext_lazy("Upcoming"),
    "ended": gettext_lazy("Term ended"),
}


def _charter_summary(values: dict) -> list[tuple[str, str]]:
    """How the council decides, from the charter in force."""
    return [
        (_("Quorum"), _("%(share)s of the seats vote") % {"share": percent(values["governance.quorum"])}),
        (
            _("Rules, policies and sanctions"),
            _("more than %(share)s of the yes and no votes")
            % {"share": percent(values["governance.majority_threshold"])},
        ),
        (
            _("Charter changes"),
            _("yes from at least %(share)s of all seats") % {"share": percent(values["governance.charter_threshold"])},
        ),
        (_("Default voting window"), _("%(hours)s hours") % {"hours": values["governance.voting_hours"]}),
        (
            _("Votes may be changed"),
            _("until the window closes") if values["governance.votes_changeable"] else _("no"),
        ),
        (_("Quorum in every chamber"), _("yes") if values["governance.per_chamber_quorum"] else _("no")),
    ]


def _render_council(request, founding=None):
    access = request.cluster_access
    now = timezone.now()
    by_chamber = {value: [] for value in Seat.Chamber.values}
    for seat in selectors.seats(cluster=access.cluster):
        seat.state = "current" if seat.covers(now) else "upcoming" if seat.term_start > now else "ended"
        seat.state_label = SEAT_STATES[seat.state]
        seat.can_resign = seat.holder_id == request.user.pk and seat.state != "ended"
        by_chamber.setdefault(seat.chamber, []).append(seat)
    chambers = [
        {"value": value, "label": Seat.Chamber(value).label, "seats": seats} for value, seats in by_chamber.items()
    ]
    values = rules_in_force(access.cluster)
    for chamber in chambers:
        chamber["filled_by"] = SEAT_FILLING_LABELS.get(values[f"governance.seats.{chamber['value']}"], "")
    may_found = access.is_admin and not selectors.council_is_constituted(cluster=access.cluster)
    if may_found and founding is None:
        founding = founding_seat_formset(enterprises=selectors.member_enterprises(cluster=access.cluster))
    return render(
        request,
        "governance/council.html",
        access.context(
            chambers=chambers,
            current_count=sum(1 for c in chambers for s in c["seats"] if s.state == "current"),
            founding=founding if may_found else None,
            charter=_charter_summary(values),
        ),
    )


@cluster_page(*READERS, refusal=READERS_REFUSAL)
def council(request, slug):
    return _render_council(request)


@cluster_page(
    ADMINISTRATOR, methods=POST, refusal=gettext_lazy("Only the cluster's administrators constitute the council.")
)
def council_bootstrap(request, slug):
    """An administrator constitutes the empty council, once: every founding seat in one act."""
    cluster = request.cluster_access.cluster
    founding = founding_seat_formset(request.POST, enterprises=selectors.member_enterprises(cluster=cluster))
    if founding.is_valid():
        try:
            seats = council_services.council_bootstrap(actor=request.user, cluster=cluster, seats=founding.seats())
        except ConflictError as exc:
            refused(request, exc)
            return redirect("council", cluster.slug)
        except (DomainError, ValidationError) as exc:
            founding.add_refusal(exc)
        else:
            messages.success(
                request,
                ngettext(
                    "The council is constituted with %(count)d seat.",
                    "The council is constituted with %(count)d seats.",
                    len(seats),
                )
                % {"count": len(seats)},
            )
            return redirect("council", cluster.slug)
    return _render_council(request, founding)


@cluster_page(*READERS, methods=POST, refusal=READERS_REFUSAL)
def seat_resign(request, slug, seat_id):
    cluster = request.cluster_access.cluster
    try:
        seat = council_services.seat_resign(actor=request.user, cluster=cluster, seat_id=seat_id)
    except (DomainError, ValidationError) as exc:
        refused(request, exc)
    else:
        messages.success(
            request,
            _("You resigned your seat among the %(chamber)s.") % {"chamber": seat.get_chamber_display().lower()},
        )
    return redirect("council", cluster.slug)
