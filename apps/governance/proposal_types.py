"""Proposal types that an app above governance provides (``provide_proposal_type`` from its
``AppConfig.ready()``), so governance enacts them without importing that app.

Such a proposal carries its terms in the providing app's own rows; it is drafted only through
that app's services (``new_proposal(..., provided=True)``), never as a bare proposal of the type.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProvidedType:
    kind: str
    #: ``enact(proposal, now) -> bool``: apply the passed proposal; False when it can no longer apply
    enact: Callable
    #: ``rejected(proposal)``: told when the council rejected it (optional)
    rejected: Callable | None = None


_PROVIDED: dict[str, ProvidedType] = {}


def provide_proposal_type(kind: str, *, enact: Callable, rejected: Callable | None = None) -> None:
    _PROVIDED[kind] = ProvidedType(kind=kind, enact=enact, rejected=rejected)


def provided(kind: str) -> ProvidedType | None:
    return _PROVIDED.get(kind)
