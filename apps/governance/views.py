"""Pages of governance: the council, proposals and the rulebook (being built)."""

from django.http import HttpResponse


def council(request, slug):
    return HttpResponse(status=501)


def proposal_list(request, slug):
    return HttpResponse(status=501)


def proposal_detail(request, slug, pk):
    return HttpResponse(status=501)


def rulebook(request, slug):
    return HttpResponse(status=501)
