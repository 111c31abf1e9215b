"""The one way a page inside a cluster is built: it declares who may open it, and the
middleware admits the caller before the view runs.

    @cluster_page(ADMINISTRATOR, MEMBER, methods=GET_POST)
    def market(request, slug):
        access = request.cluster_access   # the cluster and the caller's roles, read once

``TenantScopeMiddleware`` resolves the cluster of ``/clusters/<slug>/…`` and, before the
view runs (``admit``), answers for it:

* a hidden or unknown cluster is a 404;
* a page that declares no roles is refused (403), as an API action without
  ``required_roles`` is: tenancy is structural, not remembered;
* an anonymous caller of a page that is not open to ``ANYONE`` is sent to sign in;
* a caller holding none of the declared roles gets the 403 page, with the page's
  ``refusal`` as the reason. Platform staff pass every check, as in the API.

Checks that depend on the object (the author of a proposal, a side of a deal) stay in the
services and lifecycle modules; they raise ``PermissionDeniedError`` / ``NotFoundError``,
which the decorator turns into the 403 page and a 404.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.core.errors import DomainError, NotFoundError, PermissionDeniedError

from . import selectors
from .selectors import ADMINISTRATOR, AUTHENTICATED, COUNCIL, MEMBER

#: the page is open to everyone who may see the cluster, signed in or not
ANYONE = "anyone"
READ = ("GET", "HEAD")
GET_POST = ("GET", "HEAD", "POST")
POST = ("POST",)

__all__ = [
    "ADMINISTRATOR",
    "ANYONE",
    "AUTHENTICATED",
    "COUNCIL",
    "GET_POST",
    "MEMBER",
    "POST",
    "READ",
    "ClusterAccess",
    "access_refusals",
    "admit",
    "cluster_page",
    "forbidden",
    "provide_page_role",
    "refused",
]


@dataclass(frozen=True)
class ClusterAccess:
    """Who the caller is in the cluster of the URL, worked out once per request."""

    cluster: object
    roles: frozenset
    is_staff: bool = False

    @property
    def is_admin(self) -> bool:
        return ADMINISTRATOR in self.roles or self.is_staff

    @property
    def is_member(self) -> bool:
        return MEMBER in self.roles

    @property
    def is_council(self) -> bool:
        return COUNCIL in self.roles

    def holds(self, *roles: str) -> bool:
        """True when the caller holds one of ``roles`` (platform staff hold every role)."""
        return self.is_staff or ANYONE in roles or bool(self.roles & set(roles))

    def context(self, **extra) -> dict:
        """What every page of the cluster shows about the caller (the tabs it may open)."""
        return {
            "cluster": self.cluster,
            "is_admin": self.is_admin,
            "is_member": self.is_member,
            "is_council": self.is_council,
            **extra,
        }


def forbidden(request, message=None):
    """A 403 page that says why, inside the site layout."""
    return render(
        request,
        "tenancy/forbidden.html",
        {"message": message or _("You do not have permission to open this page.")},
        status=403,
    )


def access_refusals(view):
    """Turn the access refusals a view raises (``PermissionDeniedError``, ``NotFoundError``) into
    the 403 page and a 404; ``cluster_page`` applies it, and pages outside a cluster (an
    enterprise's) use it alone."""

    @wraps(view)
    def page(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDeniedError as exc:
            return forbidden(request, str(exc.message))
        except NotFoundError:
            raise Http404 from None

    return page


def refused(request, error: Exception) -> None:
    """A button's action was refused: say why in a message (access refusals keep their 403 / 404)."""
    if isinstance(error, PermissionDeniedError | NotFoundError):
        raise error
    if isinstance(error, DomainError):
        messages.error(request, str(error.message))
    elif isinstance(error, ValidationError):
        messages.error(request, " ".join(error.messages))
    else:
        raise error


#: roles other apps grant and their pages declare (``provide_page_role`` from their ``ready()``)
_PROVIDED_ROLES: set[str] = set()


def provide_page_role(role: str) -> None:
    """Let pages declare a role an upper app grants through ``access.provide_roles`` (e.g. parks' ``auditor``)."""
    _PROVIDED_ROLES.add(role)


def cluster_page(*roles: str, methods=READ, refusal=None):
    """Declare a page of a cluster: the roles that may open it (one of them suffices), the
    HTTP methods it answers (others are 405), and the reason a refused caller reads."""
    if not roles:
        raise TypeError("cluster_page() needs at least one role: ANYONE, AUTHENTICATED, MEMBER, …")
    unknown = set(roles) - {ANYONE, AUTHENTICATED, MEMBER, COUNCIL, ADMINISTRATOR, *_PROVIDED_ROLES}
    if unknown:
        raise TypeError(f"cluster_page(): unknown roles {sorted(unknown)}")

    def decorate(view):
        guarded = require_http_methods(list(methods))(access_refusals(view))
        guarded.cluster_page_roles = frozenset(roles)
        guarded.cluster_page_refusal = refusal
        return guarded

    return decorate


def admit(request, view, cluster):
    """The answer to a page request before its view runs: None to let the view run (with
    ``request.cluster_access`` set), or the refusal (a 404 is raised)."""
    user = request.user
    if cluster is None:
        raise Http404
    try:
        cluster = selectors.cluster_get(slug=cluster.slug, user=user, known=cluster)
    except NotFoundError:
        raise Http404 from None
    roles = getattr(view, "cluster_page_roles", None)
    if not roles:
        return forbidden(request, _("This page declares no roles, so nobody may open it."))
    if ANYONE not in roles and not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    access = ClusterAccess(
        cluster=cluster,
        roles=selectors.cluster_roles_for(user=user, cluster=cluster),
        is_staff=bool(user.is_authenticated and user.is_staff),
    )
    if not access.holds(*roles):
        return forbidden(request, view.cluster_page_refusal)
    request.cluster_access = access
    return None
