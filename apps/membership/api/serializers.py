from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.fields import DateTimeField
from apps.core.api.serializers import FieldsBuiltOnceModelSerializer, ModelSerializer
from apps.core.dates import ANY
from apps.reference.models import Capability, CertificationScheme, IndustryCode

from .. import track_records, verification_levels
from ..models import (
    INVITABLE_ROLES,
    REPORT_REASON_MIN_LENGTH,
    AuditEvent,
    Enterprise,
    EnterpriseCertification,
    EnterpriseMember,
    Invitation,
    Membership,
    Report,
    SuspensionProposal,
)
from ..validators import normalize_credit_code, validate_credit_code


class BlankableURLField(serializers.CharField):
    """A web address, or empty (so the schema must not promise format: uri).

    The URL check runs in ``to_internal_value`` rather than as a field validator, which
    drf-spectacular would turn into ``format: uri``.
    """

    def to_internal_value(self, data):
        from django.core.exceptions import ValidationError as DjangoError
        from django.core.validators import URLValidator

        value = super().to_internal_value(data)
        if value:
            try:
                URLValidator()(value)
            except DjangoError as exc:
                raise serializers.ValidationError(exc.messages) from None
        return value


class CertificationSerializer(ModelSerializer):
    scheme = serializers.SlugRelatedField(slug_field="code", queryset=CertificationScheme.objects.all())
    scheme_label = serializers.CharField(source="scheme.label", read_only=True)
    is_valid = serializers.BooleanField(read_only=True)

    class Meta:
        model = EnterpriseCertification
        fields = ("id", "scheme", "scheme_label", "number", "issuer", "valid_until", "is_valid")

    def validate_valid_until(self, value):
        if value < timezone.localdate():
            raise serializers.ValidationError("This certification has already expired.")
        return value


class PublicCertificationSerializer(ModelSerializer):
    scheme = serializers.CharField(source="scheme_id")
    scheme_label = serializers.CharField(source="scheme.label")

    class Meta:
        model = EnterpriseCertification
        fields = ("scheme", "scheme_label", "valid_until")


class EnterpriseSerializer(ModelSerializer):
    """The full profile, for the enterprise's own people. Writes go through services."""

    name = serializers.CharField(read_only=True)
    capabilities = serializers.SlugRelatedField(
        slug_field="code", queryset=Capability.objects.all(), many=True, required=False
    )
    industry_codes = serializers.SlugRelatedField(
        slug_field="code", queryset=IndustryCode.objects.all(), many=True, required=False
    )
    certifications = CertificationSerializer(many=True, required=False)
    my_role = serializers.SerializerMethodField()
    credit_code = serializers.CharField(
        max_length=40, help_text="Unified Social Credit Code (18 characters; spaces and hyphens are ignored)."
    )
    website = BlankableURLField(max_length=200, required=False, allow_blank=True)

    class Meta:
        model = Enterprise
        fields = (
            "id",
            "name",
            "legal_name_zh",
            "legal_name_en",
            "credit_code",
            "region_code",
            "region_name",
            "latitude",
            "longitude",
            "industry_codes",
            "capabilities",
            "certifications",
            "size_band",
            "description",
            "website",
            "verified",
            "my_role",
            "created_at",
        )
        read_only_fields = ("verified", "created_at")

    def get_my_role(self, enterprise) -> str | None:
        return getattr(enterprise, "my_role", None)

    def validate_credit_code(self, value):
        value = normalize_credit_code(value)
        try:
            validate_credit_code(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        clash = Enterprise.objects.filter(credit_code=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError(
                "An enterprise with this Unified Social Credit Code is already registered."
            )
        return value


class EnterpriseUpdateSerializer(EnterpriseSerializer):
    class Meta(EnterpriseSerializer.Meta):
        read_only_fields = ("verified", "created_at", "certifications")


class PublicEnterpriseSerializer(ModelSerializer):
    """What anyone signed in may see of an enterprise: no exact location, no certificate numbers."""

    name = serializers.CharField(read_only=True)
    capabilities = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    industry_codes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    certifications = serializers.SerializerMethodField()
    website = BlankableURLField(read_only=True)

    class Meta:
        model = Enterprise
        fields = (
            "id",
            "name",
            "legal_name_zh",
            "legal_name_en",
            "credit_code",
            "region_code",
            "region_name",
            "industry_codes",
            "capabilities",
            "certifications",
            "size_band",
            "description",
            "website",
            "verified",
        )
        read_only_fields = fields

    @extend_schema_field(PublicCertificationSerializer(many=True))
    def get_certifications(self, enterprise):
        certifications = getattr(enterprise, "valid_certifications", None)
        if certifications is None:
            certifications = [c for c in enterprise.certifications.all() if c.is_valid]
        return PublicCertificationSerializer(certifications, many=True).data


class TrackRecordSerializer(serializers.Serializer):
    """An enterprise's reputation in one cluster, as ``GET clusters/{slug}/reputation/`` answers it."""

    deals_completed = serializers.IntegerField(read_only=True)
    on_time_rate = serializers.FloatField(
        read_only=True, allow_null=True, help_text="Share of completed deals delivered by the due date (0-1)."
    )
    average_score = serializers.FloatField(
        read_only=True, allow_null=True, help_text="Average of the published ratings received (1-5)."
    )
    ratings_count = serializers.IntegerField(read_only=True)
    updated_at = DateTimeField(span=ANY, read_only=True)


class ClusterTrackRecordSerializer(TrackRecordSerializer):
    cluster = serializers.SlugField(
        source="cluster_slug", read_only=True, help_text="The cluster this record is kept in."
    )


class ReputationsField(serializers.SerializerMethodField):
    """The enterprise's reputation in each cluster where the reader may see it (``visible_reputations``,
    set by the view: the clusters the reader is an administrator or member of)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            "The enterprise's track record in each cluster where you are an administrator or a member "
            "(the clusters without a record are left out).",
        )
        super().__init__(method_name="get_reputations", **kwargs)


class ReputationsMixin(serializers.Serializer):
    reputations = ReputationsField()

    @extend_schema_field(ClusterTrackRecordSerializer(many=True))
    def get_reputations(self, enterprise):
        return ClusterTrackRecordSerializer(getattr(enterprise, "visible_reputations", []), many=True).data


class EnterpriseProfileSerializer(ReputationsMixin, EnterpriseSerializer):
    """The full profile as ``GET enterprises/{id}/`` answers the enterprise's own people."""

    class Meta(EnterpriseSerializer.Meta):
        fields = (*EnterpriseSerializer.Meta.fields, "reputations")


class PublicEnterpriseProfileSerializer(ReputationsMixin, PublicEnterpriseSerializer):
    """The public profile as ``GET enterprises/{id}/`` answers everyone else signed in."""

    class Meta(PublicEnterpriseSerializer.Meta):
        fields = (*PublicEnterpriseSerializer.Meta.fields, "reputations")
        read_only_fields = fields


class EnterpriseSummarySerializer(FieldsBuiltOnceModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Enterprise
        fields = ("id", "name", "legal_name_zh", "region_name", "verified")
        read_only_fields = fields


class UserBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    name = serializers.CharField(read_only=True)


class PersonSerializer(ModelSerializer):
    user = UserBriefSerializer(read_only=True)

    class Meta:
        model = EnterpriseMember
        fields = ("user", "role", "joined_at")
        read_only_fields = ("joined_at",)


class PersonRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=INVITABLE_ROLES)


class OwnershipTransferSerializer(serializers.Serializer):
    user = serializers.IntegerField(help_text="Id of the person who becomes the owner.")


class InvitationSerializer(ModelSerializer):
    invited_by = UserBriefSerializer(read_only=True)
    role = serializers.ChoiceField(choices=INVITABLE_ROLES)

    class Meta:
        model = Invitation
        fields = ("id", "email", "role", "status", "invited_by", "expires_at", "accepted_at", "created_at")
        read_only_fields = ("status", "expires_at", "accepted_at", "created_at")


class InvitationAcceptSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500)


class SuspensionProposalSerializer(ModelSerializer):
    reason = serializers.CharField(
        source="reason_text",
        read_only=True,
        help_text="The reason, in the language of the request when the platform gave it.",
    )

    class Meta:
        model = SuspensionProposal
        fields = ("id", "status", "reporters", "reason", "reason_code", "reason_params", "created_at")
        read_only_fields = fields


class MembershipSerializer(ModelSerializer):
    reason = serializers.CharField(
        source="reason_text",
        read_only=True,
        help_text="The reason, in the language of the request when the platform gave it.",
    )
    enterprise = EnterpriseSummarySerializer(read_only=True)
    decided_by = UserBriefSerializer(read_only=True, allow_null=True)
    open_reports = serializers.SerializerMethodField()
    suspension_proposal = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = (
            "id",
            "enterprise",
            "status",
            "note",
            "reason",
            "reason_code",
            "reason_params",
            "created_at",
            "decided_by",
            "decided_at",
            "joined_at",
            "open_reports",
            "suspension_proposal",
        )
        read_only_fields = fields

    def get_open_reports(self, membership) -> int | None:
        """Open reports against the member here (in the administrators' queue; null elsewhere)."""
        return getattr(membership, "open_reports", None)

    @extend_schema_field(SuspensionProposalSerializer(allow_null=True))
    def get_suspension_proposal(self, membership):
        """The suspension that reports propose and an administrator has yet to decide (administrators only)."""
        pending = getattr(membership, "pending_suspension_proposals", None)
        return SuspensionProposalSerializer(pending[0]).data if pending else None


class MembershipApplySerializer(serializers.Serializer):
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), help_text="The enterprise you act for."
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class BulkApproveSerializer(serializers.Serializer):
    memberships = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), min_length=1, max_length=500
    )
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DirectoryEntrySerializer(ModelSerializer):
    enterprise = PublicEnterpriseSerializer(read_only=True)
    reputation = serializers.SerializerMethodField(
        help_text="The member's track record in this cluster; null while it has none (no deal closed, no rating)."
    )

    verification = serializers.SerializerMethodField(
        help_text="The on-site verification level in force in this cluster (none, basic, verified, gold)."
    )

    class Meta:
        model = Membership
        fields = ("id", "enterprise", "reputation", "verification", "joined_at")
        read_only_fields = fields

    def get_verification(self, membership) -> str:
        levels = self.context.get("verification_levels")
        if levels is None:
            levels = verification_levels.of(
                cluster_ids=[membership.cluster_id], enterprise_ids=[membership.enterprise_id]
            )
        found = levels.get((membership.cluster_id, membership.enterprise_id))
        return found["level"] if found else "none"

    @extend_schema_field(TrackRecordSerializer(allow_null=True))
    def get_reputation(self, membership):
        records = self.context.get("track_records")
        if records is None:  # one entry alone: its own query
            records = track_records.of(cluster_ids=[membership.cluster_id], enterprise_ids=[membership.enterprise_id])
        record = records.get((membership.cluster_id, membership.enterprise_id))
        return TrackRecordSerializer(record).data if record is not None else None


class ReportSerializer(ModelSerializer):
    reporter = EnterpriseSummarySerializer(read_only=True)
    subject = EnterpriseSummarySerializer(read_only=True)

    class Meta:
        model = Report
        fields = (
            "id",
            "reporter",
            "subject",
            "category",
            "text",
            "listing_kind",
            "listing_id",
            "status",
            "resolution_reason",
            "resolved_at",
            "created_at",
        )
        read_only_fields = fields
        extra_kwargs = {
            "listing_kind": {"help_text": "The kind of the reported listing (null when the report names none)."},
            "listing_id": {"help_text": "The id of the reported listing (null when the report names none)."},
        }


class ReportCreateSerializer(serializers.Serializer):
    reporter = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), help_text="The enterprise you act for (an active member)."
    )
    subject = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(),
        required=False,
        help_text="The reported member. Optional when a listing is named: its owner is the subject.",
    )
    listing_kind = serializers.ChoiceField(
        choices=Report.ListingKind.choices,
        required=False,
        help_text="The kind of the reported listing (with listing_id).",
    )
    listing_id = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        help_text="The id of the reported listing, a listing of this cluster (with listing_kind).",
    )
    category = serializers.ChoiceField(choices=Report.Category.choices)
    reason = serializers.CharField(
        min_length=REPORT_REASON_MIN_LENGTH,
        max_length=4000,
        help_text=(
            f"What happened: facts the administrators can check (at least {REPORT_REASON_MIN_LENGTH} characters). "
            "Sent as `text`, the former name, it is accepted too."
        ),
    )

    def to_internal_value(self, data):
        if hasattr(data, "keys") and "reason" not in data and "text" in data:  # the field's former name
            data = {key: data[key] for key in data}
            data["reason"] = data.pop("text")
        return super().to_internal_value(data)

    def validate(self, attrs):
        has_kind, has_id = "listing_kind" in attrs, "listing_id" in attrs
        if has_kind and not has_id:
            raise serializers.ValidationError({"listing_id": _("Give the id of the reported listing.")})
        if has_id and not has_kind:
            raise serializers.ValidationError({"listing_kind": _("Give the kind of the reported listing.")})
        if "subject" not in attrs and not has_kind:
            raise serializers.ValidationError({"subject": _("Name the member or the listing you report.")})
        return attrs


class ReportResolveSerializer(serializers.Serializer):
    resolution = serializers.ChoiceField(
        choices=["dismiss", "warn", "suspend", "listing_removed"],
        help_text="listing_removed cancels the reported listing (reports that name an open or draft listing).",
    )
    reason = serializers.CharField(max_length=2000)


class AuditEventSerializer(ModelSerializer):
    reason = serializers.CharField(
        source="reason_text",
        read_only=True,
        help_text="The reason, in the language of the request when the platform gave it.",
    )
    actor = UserBriefSerializer(read_only=True, allow_null=True)
    enterprise = EnterpriseSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = AuditEvent
        fields = (
            "id",
            "created_at",
            "actor",
            "action",
            "enterprise",
            "membership",
            "report",
            "reason",
            "reason_code",
            "reason_params",
            "before",
            "after",
        )
        read_only_fields = fields
