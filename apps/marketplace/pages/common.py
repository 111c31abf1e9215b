"""What every marketplace page shares: who may open it, the page size, how a refused button speaks."""

from django.utils.translation import gettext_lazy

PAGE_SIZE = 25
#: the marketplace's pages open to the cluster's active members and administrators (platform staff too)
MARKET_REFUSAL = gettext_lazy("The marketplace is open to the cluster's members and administrators.")


def scopes_of(access, *, first: str) -> list[str]:
    """The scopes a list of matches or deals offers: ``mine`` to a member, ``all`` to an
    administrator, both (``first`` leading) to a member who also administers."""
    if access.is_admin and access.is_member:
        return [first, "all" if first == "mine" else "mine"]
    return ["all"] if access.is_admin else ["mine"]
