"""What every marketplace page shares: who may open it, the page size, how a refused button speaks."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError, NotFoundError, PermissionDeniedError

PAGE_SIZE = 25
#: the marketplace's pages open to the cluster's active members and administrators (platform staff too)
MARKET_REFUSAL = gettext_lazy("The marketplace is open to the cluster's members and administrators.")


def refused(request, error: Exception) -> None:
    """A button's action was refused: say why (access refusals keep their 403 / 404)."""
    if isinstance(error, PermissionDeniedError | NotFoundError):
        raise error
    if isinstance(error, DomainError):
        messages.error(request, str(error.message))
    elif isinstance(error, ValidationError):
        messages.error(request, " ".join(error.messages))
    else:
        raise error
