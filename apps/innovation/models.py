"""Models of innovation: technical challenges, confidential solutions, experts and institutions
(and, in its own section, the shared knowledge library).

Money is a Decimal with an ISO 4217 currency, as in the marketplace. A challenge's ``details``
are confidential: read only through ``selectors.challenge_details`` once the reader accepted the
challenge's terms (or is its seeker). A solution is read by its authors and the seeker alone.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.marketplace.models import UNITS, Deal, Order
from apps.membership.models import Enterprise
from apps.reference.currencies import CURRENCIES
from apps.reference.models import Capability
from apps.tenancy.models import Cluster
from apps.tenancy.scoping import tenant_manager

# --- challenges and solutions ---


class Rights(models.TextChoices):
    """What the award transfers to the seeker (the rulebook says which a cluster offers)."""

    LICENCE = "licence", _("Licence")
    EXCLUSIVE_LICENCE = "exclusive_licence", _("Exclusive licence")
    ASSIGNMENT = "assignment", _("Assignment")


class ChallengeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    EVALUATING = "evaluating", _("Evaluating")
    AWARDED = "awarded", _("Awarded")
    CLOSED_WITHOUT_AWARD = "closed_without_award", _("Closed without award")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Challenge(TimeStampedModel):
    """A technical need put to the cluster's solvers: a public summary, confidential details."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    #: the enterprise that seeks; null when the park (the administrators) posted it
    seeker = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("seeker")
    )
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    title = models.CharField(_("title"), max_length=160)
    summary = models.TextField(_("public summary"), max_length=5000)
    details = models.TextField(_("confidential details"), max_length=20000, blank=True)
    terms = models.TextField(_("confidentiality terms"), max_length=5000, blank=True)
    terms_version = models.PositiveIntegerField(_("terms version"), default=1)
    confidential = models.BooleanField(_("details need the terms accepted"), default=True)
    capabilities = models.ManyToManyField(Capability, blank=True, related_name="+", verbose_name=_("capabilities"))
    tags = models.JSONField(_("tags"), default=list, blank=True)
    deadline = models.DateTimeField(_("deadline"))
    award_amount = models.DecimalField(
        _("award amount"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    award_currency = models.CharField(_("award currency"), max_length=3, choices=CURRENCIES, default="CNY")
    production_capability = models.ForeignKey(
        Capability, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    production_quantity = models.PositiveIntegerField(_("production quantity"), null=True, blank=True)
    production_unit = models.CharField(_("production unit"), max_length=8, choices=UNITS, blank=True)
    production_unit_price = models.DecimalField(
        _("production unit price"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    rights = models.CharField(_("rights transferred"), max_length=20, choices=Rights.choices)
    shared_with_partners = models.BooleanField(_("shown to partner clusters"), default=False)
    status = models.CharField(_("status"), max_length=24, choices=ChallengeStatus.choices, default="draft")
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    #: the seeker asked to withdraw an open challenge with submissions: the administrators decide
    withdrawal_requested_at = models.DateTimeField(_("withdrawal requested at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), max_length=2000, blank=True)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["cluster", "status", "created_at"], name="challenge_recent")]

    def __str__(self):
        return self.title

    @property
    def has_production(self) -> bool:
        return bool(self.production_quantity)


class TermsAcceptance(models.Model):
    """A solver's click-through of the confidentiality terms: who, when, which version."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="acceptances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    terms_version = models.PositiveIntegerField(_("terms version"))
    accepted_at = models.DateTimeField(_("accepted at"), auto_now_add=True)

    objects = tenant_manager(path="challenge__cluster_id")

    class Meta:
        verbose_name = _("acceptance of terms")
        constraints = [
            models.UniqueConstraint(fields=["challenge", "user", "terms_version"], name="terms_accepted_once")
        ]

    def __str__(self):
        return f"{self.user_id} accepted {self.challenge_id} v{self.terms_version}"


class Solution(TimeStampedModel):
    """A submission: by an enterprise, an individual expert, or a consortium with shares."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Member enterprise")
        EXPERT = "expert", _("Individual expert")
        CONSORTIUM = "consortium", _("Consortium")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="solutions")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("solution"), max_length=20000)
    documents = models.JSONField(
        _("documents"), default=list, blank=True, help_text=_("Metadata only: name, size, content type, reference.")
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)
    shortlisted = models.BooleanField(_("shortlisted"), default=False)
    awarded = models.BooleanField(_("awarded"), default=False)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("solution")
        verbose_name_plural = _("solutions")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.title


class SolutionDocument(models.Model):
    """A file of a solution, uploaded by its authors: stored through the "documents" storage (the deal
    room's) under ``storage_key``, never a name a client chose; served by a short-lived link signed for
    one reader, to whoever may read the solution (its authors and the seeker).

    ``name`` is the uploader's file name, for display; the type was sniffed from the content
    (``apps.dealroom.files``), never taken from the name or the browser."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(_("file name"), max_length=200)
    storage_key = models.CharField(_("storage key"), max_length=300, unique=True)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("solution document")
        verbose_name_plural = _("solution documents")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.name


class SolutionShare(models.Model):
    """An enterprise among a solution's authors, with its share of the award (sums to 100)."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="shares")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    percent = models.DecimalField(
        _("share (%)"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )

    objects = tenant_manager(path="solution__cluster_id")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["solution", "enterprise"], name="solution_share_once"),
            models.CheckConstraint(condition=Q(percent__gt=0, percent__lte=100), name="solution_share_in_range"),
        ]

    def __str__(self):
        return f"{self.enterprise_id}: {self.percent} %"


class SolutionQuestion(models.Model):
    """The seeker's question on a submission, and the authors' answer."""

    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    question = models.TextField(_("question"), max_length=4000)
    answer = models.TextField(_("answer"), max_length=4000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = tenant_manager(path="solution__cluster_id")

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self):
        return f"{self.solution_id}: {self.question[:40]}"


class Award(models.Model):
    """One winning solution: its part of the money and, when the challenge includes production,
    the marketplace order the seeker posts for the winner."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="awards")
    solution = models.OneToOneField(Solution, on_delete=models.CASCADE, related_name="award")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="CNY")
    rights = models.CharField(_("rights transferred"), max_length=20, choices=Rights.choices)
    #: the winner the order is addressed to (the consortium's largest share, or the submitter's enterprise)
    winner = models.ForeignKey(Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    awarded_at = models.DateTimeField(_("awarded at"), auto_now_add=True)

    objects = tenant_manager(path="challenge__cluster_id")

    class Meta:
        ordering = ["awarded_at", "pk"]

    def __str__(self):
        return f"{self.challenge_id} → {self.solution_id}"


class ExpertProfile(TimeStampedModel):
    """A person or an institution of the cluster's innovation network, with its expertise."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Individual expert")
        UNIVERSITY = "university", _("University")
        LAB = "lab", _("Laboratory")
        COUNCIL_EXPERT = "council_expert", _("Council's industry expert")
        INSTITUTION = "institution", _("Other institution")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=160)
    organisation = models.CharField(_("organisation"), max_length=160, blank=True)
    bio = models.TextField(_("about"), max_length=4000, blank=True)
    capabilities = models.ManyToManyField(Capability, blank=True, related_name="+", verbose_name=_("capabilities"))
    tags = models.JSONField(_("tags"), default=list, blank=True)

    objects = tenant_manager()

    class Meta:
        verbose_name = _("expert profile")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["cluster", "user"], name="one_expert_profile_per_cluster")]

    def __str__(self):
        return self.name


class ExpertProposal(models.Model):
    """A challenge proposed to a matching expert (scored by capability and tag overlap)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="proposals")
    expert = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="proposals")
    score = models.FloatField(_("score"))
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)

    objects = tenant_manager(path="challenge__cluster_id")

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [models.UniqueConstraint(fields=["challenge", "expert"], name="challenge_proposed_once")]

    def __str__(self):
        return f"{self.challenge_id} → {self.expert_id} ({self.score})"


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
    (``search.tokens``). PostgreSQL searches a stored ``to_tsvector('simple', tokens)`` through a
    GIN index over (cluster, vector) (migration 0004), SQLite an FTS5 table over the same text
    (migration 0002)."""

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
    #: found by the members of the clusters in partnership in force with this one too
    shared_with_partners = models.BooleanField(_("found by partner clusters"), default=False)
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
