"""Models of innovation: challenges, solutions and experts (see their section), the knowledge
library and the one search index over the cluster (see theirs)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.marketplace.models import Deal
from apps.membership.models import Enterprise
from apps.tenancy.models import Cluster
from apps.tenancy.scoping import tenant_manager

# --- knowledge library and search ---


class KnowledgeEntry(TimeStampedModel):
    """A guide, standard, case study or lesson learned of a cluster's library."""

    class Kind(models.TextChoices):
        GUIDE = "guide", _("Guide")
        STANDARD = "standard", _("Standard")
        CASE_STUDY = "case_study", _("Case study")
        LESSON = "lesson", _("Lesson learned")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("Awaiting review")
        AWAITING_CONSENT = "awaiting_consent", _("Awaiting the parties' consent")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Language(models.TextChoices):
        ZH = "zh-hans", _("Simplified Chinese")
        EN = "en", _("English")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="+", verbose_name=_("authoring enterprise")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), max_length=50000)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.ZH)
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("authors"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    source_deal = models.ForeignKey(
        Deal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("closed deal")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("library entry")
        verbose_name_plural = _("library entries")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["cluster", "status", "kind"], name="knowledge_cluster_status")]

    def __str__(self):
        return self.title


class LessonConsent(models.Model):
    """One party of a closed deal agrees that the lesson drafted from it is published."""

    entry = models.ForeignKey(KnowledgeEntry, on_delete=models.CASCADE, related_name="consents")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    consented_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("consented at"), auto_now_add=True)

    objects = tenant_manager(path="entry__cluster_id")

    class Meta:
        verbose_name = _("consent to publish a lesson")
        constraints = [models.UniqueConstraint(fields=["entry", "enterprise"], name="one_consent_per_party")]

    def __str__(self):
        return f"consent of {self.enterprise_id} to {self.entry_id}"


class KnowledgeUse(models.Model):
    """An enterprise read, bookmarked or found helpful an entry: reuse counts distinct enterprises."""

    class Kind(models.TextChoices):
        VIEW = "view", _("Viewed")
        BOOKMARK = "bookmark", _("Bookmarked")
        HELPED = "helped", _("This helped")

    entry = models.ForeignKey(KnowledgeEntry, on_delete=models.CASCADE, related_name="uses")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    objects = tenant_manager(path="entry__cluster_id")

    class Meta:
        verbose_name = _("use of a library entry")
        constraints = [models.UniqueConstraint(fields=["entry", "enterprise", "kind"], name="one_use_per_kind")]

    def __str__(self):
        return f"{self.kind} of {self.entry_id} by {self.enterprise_id}"


class SearchEntry(models.Model):
    """One searchable object of a cluster: its kind and id, who may find it and its token text
    (``search.tokens``). PostgreSQL searches ``to_tsvector('simple', tokens)`` through a GIN index,
    SQLite an FTS5 table over the same text (both made in migration 0002)."""

    class Visibility(models.TextChoices):
        MEMBERS = "members", _("Members of the cluster")
        OWNER = "owner", _("The owner enterprise alone")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20)
    object_id = models.BigIntegerField(_("object id"))
    owner = models.ForeignKey(Enterprise, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    visibility = models.CharField(_("visibility"), max_length=8, choices=Visibility.choices)
    title = models.CharField(_("title"), max_length=300)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    tokens = models.TextField(_("tokens"))
    updated_at = models.DateTimeField(auto_now=True)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "kind", "object_id"], name="one_search_entry_per_object"),
            models.CheckConstraint(
                condition=Q(visibility="members") | Q(owner__isnull=False), name="owner_only_entry_has_owner"
            ),
        ]

    def __str__(self):
        return f"{self.kind}:{self.object_id}"
