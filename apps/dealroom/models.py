"""The deal room's models. Each concern of the room keeps its own section (conversation, offers,
documents and disputes); the sections share only the match and the deal of the marketplace."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.marketplace.models import Match
from apps.membership.models import Enterprise
from apps.tenancy.models import Cluster
from apps.tenancy.scoping import tenant_manager

# --- conversation ---------------------------------------------------------------------------

#: the longest message a person may write (the API and the page refuse longer, naming ``body``)
MESSAGE_MAX_LENGTH = 4000
#: the languages a message may be marked as written in (the site's own)
MESSAGE_LANGUAGES = [(code, name) for code, name in settings.LANGUAGES]


class Conversation(models.Model):
    """The conversation of one match, continued by its deal (one deal per match): between the
    people of the match's two enterprises, and the cluster's administrators while its deal is
    disputed (``lifecycle.participants_may_include_admins``)."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    match = models.OneToOneField(Match, on_delete=models.CASCADE, related_name="conversation")
    #: the id of the newest message (0: none yet), kept by ``message_post`` for unread counts and digests
    last_message_id = models.PositiveBigIntegerField(_("newest message"), default=0)
    message_count = models.PositiveIntegerField(_("messages"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self):
        return f"conversation of match {self.match_id}"


class Message(models.Model):
    """One message, in its author's words and in the language the author wrote it in."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    #: the side the author wrote for (empty for an administrator or platform staff)
    author_enterprise = models.ForeignKey(
        Enterprise, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("enterprise")
    )
    from_administrator = models.BooleanField(_("written by an administrator"), default=False)
    body = models.TextField(_("message"), validators=[MaxLengthValidator(MESSAGE_MAX_LENGTH)])
    language = models.CharField(_("language"), max_length=10, choices=MESSAGE_LANGUAGES)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["pk"]
        indexes = [models.Index(fields=["conversation", "id"], name="dealroom_message_page")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(body=""), name="dealroom_message_not_empty", violation_error_code="blank"
            )
        ]

    def __str__(self):
        return f"message {self.pk} in {self.conversation_id}"


class ReadState(models.Model):
    """How far one participant has read a conversation, and how far their e-mail digest went."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="read_states")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_id = models.PositiveBigIntegerField(_("read up to message"), default=0)
    digested_id = models.PositiveBigIntegerField(_("e-mailed up to message"), default=0)

    objects = tenant_manager(path="conversation__cluster_id")

    class Meta:
        verbose_name = _("read state")
        verbose_name_plural = _("read states")
        constraints = [models.UniqueConstraint(fields=["conversation", "user"], name="dealroom_one_read_state")]
        indexes = [models.Index(fields=["user", "conversation"], name="dealroom_read_state_user")]

    def __str__(self):
        return f"{self.user_id} read {self.conversation_id} up to {self.last_read_id}"
