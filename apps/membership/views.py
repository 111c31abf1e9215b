"""Pages of the membership domain."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def invitation_accept(request, token):
    return HttpResponse(status=501)


@login_required
def moderation_queue(request, slug):
    return HttpResponse(status=501)
