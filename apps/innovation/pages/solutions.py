"""Pages of solutions: a solver submits or revises one (a document, a consortium's shares); the
seeker shortlists, asks a question in the thread, and awards; the authors answer. Each is one
service call; a refusal naming a field is shown beside it, an access refusal keeps its 403 / 404."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.core.errors import DomainError, NotFoundError
from apps.dealroom.files import upload_cut_short
from apps.membership.models import Enterprise, Membership
from apps.tenancy.pages import GET_POST, POST, cluster_page, refused

from .. import lifecycle, selectors
from ..models import Solution
from ..services import documents as document_services
from ..services import solutions as services
from .challenges import PARTICIPANTS, _viewer
from .forms import AnswerForm, AwardForm, QuestionForm, SolutionForm, form_written


def _challenge(request, pk):
    access, viewer = _viewer(request)
    try:
        return access, viewer, selectors.challenge_get(viewer, access.cluster, pk)
    except NotFoundError:
        raise Http404 from None


def _solution(viewer, challenge, solution_id) -> Solution:
    solution = selectors.solutions_for(viewer, challenge).filter(pk=solution_id).first()
    if solution is None:
        raise Http404
    return solution


def _choices(access, viewer):
    mine = Enterprise.objects.filter(pk__in=viewer.enterprise_ids).order_by("legal_name_zh")
    members = Enterprise.objects.filter(
        memberships__cluster=access.cluster, memberships__status=Membership.Status.ACTIVE
    ).order_by("legal_name_zh")
    return [(e.pk, e.name) for e in mine], [(e.pk, e.name) for e in members]


def _submit(request, form, *, viewer, challenge):
    data = form.cleaned_data
    chosen = data.get("enterprise")
    shares = [
        {"enterprise": Enterprise(pk=pk) if pk else None, "percent": percent or 0} for pk, percent in form.share_rows()
    ]
    if any(share["enterprise"] is None for share in shares):
        raise DomainError(_("Name each partner and its share."), field="share_enterprise_0")
    return services.solution_submit(
        actor=request.user,
        viewer=viewer,
        challenge=challenge,
        kind=data["kind"],
        title=data["title"],
        body=data["body"],
        document=data.get("document"),
        enterprise=Enterprise.objects.filter(pk=chosen).first() if chosen else None,
        shares=shares,
    )


@cluster_page(*PARTICIPANTS, methods=GET_POST)
def solution_create(request, slug, pk):
    access, viewer, challenge = _challenge(request, pk)
    enterprises, members = _choices(access, viewer)
    form = SolutionForm(request.POST or None, request.FILES or None, enterprises=enterprises, members=members)
    if request.method == "POST" and not upload_cut_short(request, form, field="document") and form.is_valid():
        submitted = form_written(
            request,
            form,
            lambda: _submit(request, form, viewer=viewer, challenge=challenge),
            done=_("Your solution is submitted: only you and the seeker can read it."),
            renamed={"shares": "share_enterprise_0"},
        )
        if submitted is not None:
            return redirect("challenge-page", slug, pk)
    return render(
        request, "innovation/solution_form.html", access.context(challenge=challenge, form=form, revising=None)
    )


@cluster_page(*PARTICIPANTS, methods=GET_POST)
def solution_revise(request, slug, pk, solution_id):
    access, viewer, challenge = _challenge(request, pk)
    solution = _solution(viewer, challenge, solution_id)
    if not selectors.is_author(solution, viewer):
        raise Http404
    initial = {"title": solution.title, "body": solution.body}
    form = SolutionForm(
        request.POST or None, request.FILES or None, initial=initial, enterprises=[], members=[], revising=True
    )
    if request.method == "POST" and not upload_cut_short(request, form, field="document") and form.is_valid():
        data = form.cleaned_data
        revised = form_written(
            request,
            form,
            lambda: services.solution_revise(
                actor=request.user,
                viewer=viewer,
                solution=solution,
                title=data["title"],
                body=data["body"],
                document=data.get("document"),
            ),
            done=_("Your solution is revised."),
        )
        if revised is not None:
            return redirect("challenge-page", slug, pk)
    return render(
        request, "innovation/solution_form.html", access.context(challenge=challenge, form=form, revising=solution)
    )


@cluster_page(*PARTICIPANTS, methods=POST)
def solution_shortlist(request, slug, pk, solution_id):
    _access, viewer, challenge = _challenge(request, pk)
    solution = _solution(viewer, challenge, solution_id)
    try:
        services.solution_shortlist(
            actor=request.user, viewer=viewer, solution=solution, shortlisted=not solution.shortlisted
        )
    except DomainError as error:
        refused(request, error)
    return redirect("challenge-page", slug, pk)


@cluster_page(*PARTICIPANTS, methods=POST)
def solution_question(request, slug, pk, solution_id):
    return _thread_post(
        request,
        slug,
        pk,
        solution_id,
        form_class=QuestionForm,
        write=services.question_ask,
        invalid=_("Write a question of at most 4000 characters."),
        sent=_("Your question is sent to the solution's authors."),
    )


@cluster_page(*PARTICIPANTS, methods=POST)
def solution_answer(request, slug, pk, solution_id):
    return _thread_post(
        request,
        slug,
        pk,
        solution_id,
        form_class=AnswerForm,
        write=services.question_answer,
        invalid=_("Write an answer of at most 4000 characters."),
    )


def _thread_post(request, slug, pk, solution_id, *, form_class, write, invalid: str, sent: str = ""):
    """A post to a solution's question thread (the seeker's question, an author's answer): the form's
    fields are the service's arguments; back to the challenge page, saying what was refused or sent."""
    _access, viewer, challenge = _challenge(request, pk)
    solution = _solution(viewer, challenge, solution_id)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, invalid)
        return redirect("challenge-page", slug, pk)
    try:
        write(actor=request.user, viewer=viewer, solution=solution, **form.cleaned_data)
    except NotFoundError:  # a question that is not this solution's
        raise Http404 from None
    except DomainError as error:
        refused(request, error)
    else:
        if sent:
            messages.success(request, sent)
    return redirect("challenge-page", slug, pk)


@cluster_page(*PARTICIPANTS, methods=POST)
def challenge_award(request, slug, pk):
    _access, viewer, challenge = _challenge(request, pk)
    lifecycle.check_seeker(selectors.is_seeker(challenge, viewer))
    form = AwardForm(request.POST, solutions=list(selectors.solutions_for(viewer, challenge)))
    if not form.is_valid():
        messages.error(request, _("Choose the solutions to award."))
        return redirect("challenge-page", slug, pk)
    try:
        awards = services.challenge_award(
            actor=request.user, viewer=viewer, challenge=challenge, solution_ids=form.cleaned_data["solutions"]
        )
    except DomainError as error:
        refused(request, error)
    else:
        orders = sum(1 for award in awards if award.order_id)
        messages.success(request, _("Awarded. Production orders posted in the marketplace: %(n)s.") % {"n": orders})
    return redirect("challenge-page", slug, pk)


@cluster_page(*PARTICIPANTS)
def solution_document_open(request, slug, pk, solution_id, document_id):
    """A solution's document opened from the challenge page: a link signed now for this reader, if
    they may read the solution (its authors, the seeker), else 404."""
    _access, viewer, challenge = _challenge(request, pk)
    document = _document(viewer, challenge, solution_id, document_id)
    token = document_services.link_token(document_id=document.pk, user_id=request.user.pk)
    return redirect("solution-document-download", slug, pk, solution_id, document.pk, token)


@cluster_page(*PARTICIPANTS)
def solution_document_download(request, slug, pk, solution_id, document_id, token):
    """The file behind a link signed for this document and this reader, while they may still read the
    solution; anyone else (another reader of the link, a member of another cluster) gets the same 404."""
    _access, viewer, challenge = _challenge(request, pk)
    if not document_services.read_token(token, document_id=document_id, user_id=request.user.pk):
        raise Http404
    return document_services.document_download(_document(viewer, challenge, solution_id, document_id))


def _document(viewer, challenge, solution_id, document_id):
    try:
        return selectors.solution_document_get(viewer, challenge, solution_id=solution_id, document_id=document_id)
    except NotFoundError:
        raise Http404 from None
