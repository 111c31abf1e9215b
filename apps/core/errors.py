"""Domain errors raised by services and mapped to 4xx responses by the API layer."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule refused an operation. ``status`` is the HTTP status the API answers."""

    status = 400
    code = "invalid"
    default_message = _("The request breaks a rule of the platform.")

    def __init__(self, message=None, *, field: str | None = None, code: str | None = None, retry_at=None):
        self.message = message or self.default_message
        self.field = field
        #: an aware datetime when the refusal will no longer hold (answered as ``retry_at`` and ``Retry-After``)
        self.retry_at = retry_at
        if code:
            self.code = code
        super().__init__(str(self.message))


class ConflictError(DomainError):
    """The object is in a state that does not allow the operation (e.g. an illegal transition)."""

    status = 409
    code = "conflict"
    default_message = _("The object is not in a state that allows this operation.")


class NotFoundError(DomainError):
    status = 404
    code = "not_found"
    default_message = _("Not found.")


class PermissionDeniedError(DomainError):
    status = 403
    code = "permission_denied"
    default_message = _("You do not have permission to perform this action.")
