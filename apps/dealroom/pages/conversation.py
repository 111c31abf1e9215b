"""The deal room's page: a match's conversation (continued by its deal), and its live stream.

``clusters/<slug>/matches/<id>/room/`` shows the newest messages, marks them read and takes a
new one (a plain form post without JavaScript; ``static/js/conversation.js`` posts through the
API and appends what the stream brings). ``…/room/stream/`` is the server-sent events stream
(``live.stream``). Both admit anyone signed in, then the match
decides: its two sides' people, the administrators during a dispute, platform staff; anyone
else gets a 404 (another cluster's members too: the pages admit anyone signed in, and the
match refuses)."""

import re

from django.conf import settings
from django.contrib import messages as flash
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from apps.core.errors import DomainError, NotFoundError, PermissionDeniedError
from apps.notifications.services import language_of
from apps.tenancy.pages import AUTHENTICATED, GET_POST, READ, cluster_page

from .. import files, lifecycle, live, selectors
from ..filters import MessageFilter
from ..forms import MessageForm
from ..services import conversation as services

#: the messages the room shows when it opens (older ones: the API's pages)
ROOM_MESSAGES = 50
LAST_EVENT_ID = re.compile(r"^[0-9]{1,18}$")


def _party(request, pk: int):
    access = request.cluster_access
    return selectors.conversation_party(cluster=access.cluster, user=request.user, roles=access.roles, match_id=pk)


@cluster_page(AUTHENTICATED, methods=GET_POST)
def room(request, slug, pk):
    access = request.cluster_access
    party = _party(request, pk)
    form = MessageForm(initial={"language": language_of(request.user) or settings.LANGUAGE_CODE})
    if request.method == "POST":
        form = MessageForm(request.POST, request.FILES)
        if not party.is_side:
            form.without_attachment()
        if not files.upload_cut_short(request, form) and form.is_valid():
            try:
                message = services.message_post(
                    actor=request.user,
                    cluster=access.cluster,
                    roles=access.roles,
                    match_id=pk,
                    body=form.cleaned_data["body"],
                    language=form.cleaned_data["language"],
                    **form.attachment(),
                )
            except DomainError as exc:
                if isinstance(exc, PermissionDeniedError | NotFoundError):
                    raise
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            else:
                flash.success(request, _("Message sent."))
                return redirect(f"{request.path}#message-{message.pk}")
        party = _party(request, pk)
    if not party.is_side:
        form.without_attachment()
    conversation_id = party.conversation.pk if party.conversation else None
    shown = selectors.latest_messages(conversation_id, limit=ROOM_MESSAGES)
    previously_read = selectors.read_marker(conversation_id=conversation_id, user=request.user)
    if shown and request.method == "GET":
        services.conversation_mark_read(
            actor=request.user, cluster=access.cluster, roles=access.roles, match_id=pk, up_to=shown[-1].pk
        )
    rows = [{**live.localized(live.payload_of(message)), "when": message.created_at} for message in shown]
    for row in rows:
        row["unread"] = row["id"] > previously_read and (row["author"] or {}).get("id") != request.user.pk
    match = party.match
    return render(
        request,
        "dealroom/room.html",
        {
            "cluster": access.cluster,
            "match": match,
            "deal": selectors.deal_of(match),
            "party": party,
            "my_enterprise": party.enterprise,
            "admins_present": lifecycle.participants_may_include_admins(match),
            "rows": rows,
            "last_id": rows[-1]["id"] if rows else 0,
            "total": party.conversation.message_count if party.conversation else 0,
            "form": form,
            "language": get_language(),
        },
        status=400 if form.errors else 200,
    )


@cluster_page(AUTHENTICATED, methods=READ)
def room_stream(request, slug, pk):
    """``text/event-stream``: the messages after ``Last-Event-ID`` (or ``?after=``), then each
    new one as it is posted, for about 25 seconds; the browser reconnects by itself."""
    access = request.cluster_access
    party = _party(request, pk)
    query = MessageFilter(request.GET).form
    after = query.cleaned_data.get("after") if query.is_valid() else None
    header = request.headers.get("Last-Event-ID", "").strip()
    last = int(header) if LAST_EVENT_ID.match(header) else (after or 0)
    response = StreamingHttpResponse(
        live.stream(cluster_id=access.cluster.pk, match_id=party.match.pk, last_event_id=last, language=get_language()),
        content_type="text/event-stream; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # a proxy in front must not buffer the stream
    return response
