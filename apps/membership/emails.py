"""E-mails of the membership domain."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Invitation
from .services.people import invitation_token


def invitation_email_send(*, invitation_id: int) -> bool:
    invitation = Invitation.objects.select_related("enterprise", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        return False
    # the invitee's own language when they have an account, else the inviter's (a colleague's guess)
    invitee = get_user_model().objects.filter(email__iexact=invitation.email).only("preferred_language").first()
    language = (
        (invitee.preferred_language if invitee else "")
        or (invitation.invited_by.preferred_language if invitation.invited_by else "")
        or "zh-hans"
    )
    link = settings.SITE_URL.rstrip("/") + reverse("invitation-accept", args=[invitation_token(invitation)])
    with translation.override(language):
        subject = _("%(enterprise)s invites you to Cluster Platform") % {"enterprise": invitation.enterprise.name}
        body = _(
            "%(inviter)s invites you to join %(enterprise)s on Cluster Platform as %(role)s.\n\n"
            "Accept the invitation (valid until %(expires)s):\n%(link)s\n"
        ) % {
            "inviter": invitation.invited_by or _("A colleague"),
            "enterprise": invitation.enterprise.name,
            "role": invitation.get_role_display(),
            "expires": invitation.expires_at.strftime("%Y-%m-%d"),
            "link": link,
        }
    send_mail(subject, body, None, [invitation.email])
    return True
