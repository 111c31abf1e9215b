"""What the membership pages share: the enterprise of the URL and a refused button's message."""

from django.http import Http404

from .. import selectors
from ..permissions import enterprise_role

PAGE_SIZE = 25


def enterprise_or_404(pk):
    enterprise = selectors.enterprise_get(enterprise_id=pk)
    if enterprise is None:
        raise Http404
    return enterprise


def person_of(request, pk):
    """The enterprise and the caller's role in it; outsiders get a 404 (they do not learn who works where)."""
    enterprise = enterprise_or_404(pk)
    role = enterprise_role(user=request.user, enterprise=enterprise)
    if role is None:
        raise Http404
    return enterprise, role
