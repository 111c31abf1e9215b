"""Serializers of innovation's API: the shape of what comes in and goes out, no rules."""

from rest_framework import serializers

from apps.core.api.serializers import ModelSerializer
from apps.membership.models import Enterprise
from apps.reference.models import Capability

from ..models import Challenge, ExpertProfile, Solution, SolutionDocument, SolutionQuestion

# --- challenges and solutions ---

#: what a challenge offers and by when: its seeker writes them, everyone who may see it reads them
OFFER_FIELDS = (
    "deadline",
    "award_amount",
    "award_currency",
    "production_capability",
    "production_quantity",
    "production_unit",
    "production_unit_price",
    "rights",
)
PUBLIC_FIELDS = (
    "id",
    "title",
    "summary",
    "seeker",
    "status",
    "capabilities",
    "tags",
    *OFFER_FIELDS,
    "confidential",
    "shared_with_partners",
    "terms",
    "terms_version",
    "opened_at",
    "decided_at",
    "withdrawal_requested_at",
)


class ChallengeSerializer(ModelSerializer):
    """The public summary (never the confidential details)."""

    capabilities = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    production_capability = serializers.SlugRelatedField(slug_field="code", read_only=True)
    solution_count = serializers.IntegerField(read_only=True)
    terms_accepted = serializers.BooleanField(read_only=True)

    class Meta:
        model = Challenge
        fields = (*PUBLIC_FIELDS, "solution_count", "terms_accepted")
        read_only_fields = fields


class ChallengeCreateSerializer(ModelSerializer):
    seeker = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    capabilities = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Capability.objects.all(), required=False
    )
    production_capability = serializers.SlugRelatedField(
        slug_field="code", queryset=Capability.objects.all(), required=False, allow_null=True
    )
    tags = serializers.ListField(child=serializers.CharField(max_length=40), max_length=30, required=False)
    confidential = serializers.BooleanField(required=False, allow_null=True, default=None)
    publish = serializers.BooleanField(required=False, default=False)

    class Meta:
        model = Challenge
        fields = (
            "seeker",
            "title",
            "summary",
            "details",
            "terms",
            "confidential",
            "capabilities",
            "tags",
            *OFFER_FIELDS,
            "shared_with_partners",
            "publish",
        )


class ChallengeDetailsSerializer(ModelSerializer):
    class Meta:
        model = Challenge
        fields = ("id", "title", "details", "terms_version")
        read_only_fields = fields


class TransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["evaluating", "closed_without_award"])


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class WithdrawalDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()


class AcceptTermsSerializer(serializers.Serializer):
    terms_version = serializers.IntegerField(min_value=1, required=False)


class ChallengeAwardSerializer(serializers.Serializer):
    solutions = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=20)


class ShareSerializer(serializers.Serializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)


class QuestionSerializer(ModelSerializer):
    class Meta:
        model = SolutionQuestion
        fields = ("id", "question", "answer", "asked_at", "answered_at")
        read_only_fields = ("id", "answer", "asked_at", "answered_at")


class AnswerSerializer(serializers.Serializer):
    question = serializers.IntegerField(min_value=1)
    answer = serializers.CharField(max_length=4000)


class SolutionDocumentSerializer(ModelSerializer):
    """A stored document of a solution (its file through ``…/files/{id}/link/``, a link signed for the reader)."""

    class Meta:
        model = SolutionDocument
        fields = ("id", "name", "content_type", "size", "sha256", "created_at")
        read_only_fields = fields


class SolutionDocumentUploadSerializer(serializers.Serializer):
    document = serializers.FileField(allow_empty_file=False, max_length=200)


class SolutionSerializer(ModelSerializer):
    shares = serializers.SerializerMethodField()
    files = SolutionDocumentSerializer(many=True, read_only=True)
    questions = QuestionSerializer(many=True, read_only=True)
    award = serializers.SerializerMethodField()

    class Meta:
        model = Solution
        fields = (
            "id",
            "challenge",
            "kind",
            "submitted_by",
            "title",
            "body",
            "documents",
            "files",
            "revision",
            "shortlisted",
            "awarded",
            "shares",
            "questions",
            "award",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    def get_shares(self, solution) -> list[dict]:
        return [{"enterprise": s.enterprise_id, "percent": str(s.percent)} for s in solution.shares.all()]

    def get_award(self, solution) -> dict | None:
        award = getattr(solution, "award", None)
        if award is None:
            return None
        return {
            "amount": None if award.amount is None else str(award.amount),
            "currency": award.currency,
            "rights": award.rights,
            "winner": award.winner_id,
            "order": award.order_id,
        }


class SolutionCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Solution.Kind.choices)
    title = serializers.CharField(max_length=160)
    body = serializers.CharField(max_length=20000)
    documents = serializers.ListField(child=serializers.DictField(), max_length=20, required=False, default=list)
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False)
    shares = ShareSerializer(many=True, required=False, default=list)


class SolutionReviseSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=160, required=False)
    body = serializers.CharField(max_length=20000, required=False)
    documents = serializers.ListField(child=serializers.DictField(), max_length=20, required=False)


class ShortlistSerializer(serializers.Serializer):
    shortlisted = serializers.BooleanField(default=True)


# --- experts ---


class ExpertSerializer(ModelSerializer):
    capabilities = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Capability.objects.all(), required=False
    )
    tags = serializers.ListField(child=serializers.CharField(max_length=40), max_length=30, required=False)

    class Meta:
        model = ExpertProfile
        fields = ("id", "user", "kind", "name", "organisation", "bio", "capabilities", "tags")
        read_only_fields = ("id", "user")
