from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.fields import DateTimeField
from apps.core.api.serializers import ModelSerializer
from apps.core.dates import PLAN, TERM
from apps.membership.api.serializers import EnterpriseSummarySerializer, UserBriefSerializer
from apps.membership.models import Enterprise

from .. import selectors
from ..models import SEAT_FIELDS, ChainCheckpoint, Comment, Proposal, ProposalRevision, RuleVersion, Seat, Vote


class SeatSerializer(ModelSerializer):
    holder = UserBriefSerializer(read_only=True)
    enterprise = EnterpriseSummarySerializer(read_only=True, allow_null=True)
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = Seat
        fields = (
            "id",
            "chamber",
            "holder",
            "enterprise",
            "term_start",
            "term_end",
            "proposal",
            "removed_at",
            "removal",
            "is_current",
        )
        read_only_fields = fields

    def get_is_current(self, seat) -> bool:
        from django.utils import timezone

        return seat.covers(timezone.now())


class SeatAppointSerializer(serializers.Serializer):
    holder = serializers.SlugRelatedField(
        slug_field="email", queryset=get_user_model().objects.filter(is_active=True), help_text="The holder's e-mail."
    )
    chamber = serializers.ChoiceField(choices=Seat.Chamber.choices)
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all(), required=False, allow_null=True)
    term_start = DateTimeField(span=TERM)
    term_end = DateTimeField(span=TERM)


class CouncilBootstrapSerializer(serializers.Serializer):
    seats = SeatAppointSerializer(many=True, allow_empty=False, max_length=100)


class RevisionSerializer(ModelSerializer):
    class Meta:
        model = ProposalRevision
        fields = ("number", "title", "body", "changes", "created_at")
        read_only_fields = fields


class ProposalSerializer(ModelSerializer):
    author = UserBriefSerializer(read_only=True)
    petitioner = EnterpriseSummarySerializer(read_only=True, allow_null=True)
    signatures = serializers.SerializerMethodField()
    sanction_enterprise = serializers.SerializerMethodField()
    seat_holder = UserBriefSerializer(read_only=True, allow_null=True)
    seat_enterprise = EnterpriseSummarySerializer(read_only=True, allow_null=True)
    electorate = serializers.ListField(
        child=serializers.IntegerField(),
        read_only=True,
        allow_null=True,
        help_text="The seats that vote: those whose term covered the opening of the vote.",
    )
    result = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = (
            "id",
            "kind",
            "title",
            "body",
            "changes",
            "sanction_membership",
            "sanction_action",
            "sanction_enterprise",
            *SEAT_FIELDS,
            "author",
            "petitioner",
            "signatures",
            "status",
            "revision",
            "voting_opens_at",
            "voting_closes_at",
            "electorate",
            "effective_at",
            "result",
            "tallied_at",
            "enacted_at",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    @extend_schema_field(EnterpriseSummarySerializer(allow_null=True))
    def get_sanction_enterprise(self, proposal):
        membership = proposal.sanction_membership
        return EnterpriseSummarySerializer(membership.enterprise).data if membership else None

    def get_signatures(self, proposal) -> int:
        """Co-signing enterprises (petitions only)."""
        return len(proposal.signatures.all()) if proposal.petitioner_id else 0

    def get_result(self, proposal) -> dict:
        return proposal.result if proposal.tallied_at else {}  # hidden until the window has closed


class ChamberProgressSerializer(serializers.Serializer):
    seats = serializers.IntegerField()
    cast = serializers.IntegerField(help_text="Seats of the chamber that have voted.")
    needed = serializers.IntegerField(help_text="Seats of the chamber that must vote for its quorum.")
    missing = serializers.IntegerField(help_text="Votes the chamber still lacks for its quorum.")


class VoteProgressSerializer(serializers.Serializer):
    seats = serializers.IntegerField(help_text="The electorate: seats that vote on the proposal.")
    cast = serializers.IntegerField(help_text="Seats of the electorate that have voted.")
    turnout = serializers.FloatField(help_text="cast / seats.")
    quorum = serializers.FloatField(help_text="Share of the seats that must vote (the charter counting the vote).")
    quorum_seats = serializers.IntegerField(help_text="Seats that must vote for the quorum.")
    quorum_missing = serializers.IntegerField(help_text="Votes still needed to reach the quorum.")
    quorum_met = serializers.BooleanField()
    chambers = serializers.DictField(
        child=ChamberProgressSerializer(), help_text="By chamber, when every chamber must reach the quorum."
    )
    threshold = serializers.FloatField()
    threshold_basis = serializers.ChoiceField(choices=["seats", "votes_cast"])
    yes_needed = serializers.IntegerField(
        allow_null=True, help_text="Yes votes needed when all seats decide (`seats` basis); null otherwise."
    )


class ProposalDetailSerializer(ProposalSerializer):
    revisions = RevisionSerializer(many=True, read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta(ProposalSerializer.Meta):
        fields = (*ProposalSerializer.Meta.fields, "revisions", "progress")
        read_only_fields = fields

    @extend_schema_field(VoteProgressSerializer(allow_null=True))
    def get_progress(self, proposal):
        """While the window is open: turnout and quorum progress (a secret ballot: never the choices)."""
        progress = selectors.vote_progress(proposal=proposal)
        return VoteProgressSerializer(progress).data if progress is not None else None


class ProposalDraftSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Proposal.Kind.choices)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20000)
    changes = serializers.DictField(required=False, default=dict, help_text="Rulebook parameter -> new value.")
    sanction_membership = serializers.IntegerField(required=False, allow_null=True, default=None)
    sanction_action = serializers.ChoiceField(
        choices=Proposal.SanctionAction.choices, required=False, allow_blank=True, default=""
    )
    effective_at = DateTimeField(span=PLAN, required=False, allow_null=True, default=None)
    # a council-seat proposal: fill a seat (candidate, chamber, term) or remove one
    seat_action = serializers.ChoiceField(
        choices=Proposal.SeatAction.choices, required=False, allow_blank=True, default=""
    )
    seat = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="The seat to remove.")
    seat_holder = serializers.SlugRelatedField(
        slug_field="email",
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text="The candidate's e-mail (filling a seat).",
    )
    seat_chamber = serializers.ChoiceField(choices=Seat.Chamber.choices, required=False, allow_blank=True, default="")
    seat_enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), required=False, allow_null=True, default=None
    )
    seat_term_start = DateTimeField(span=TERM, required=False, allow_null=True, default=None)
    seat_term_end = DateTimeField(span=TERM, required=False, allow_null=True, default=None)


class PetitionSerializer(ProposalDraftSerializer):
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), help_text="The member enterprise you petition for."
    )


class CosignSerializer(serializers.Serializer):
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), help_text="The member enterprise you co-sign for."
    )


class ProposalAmendSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    body = serializers.CharField(max_length=20000, required=False)
    changes = serializers.DictField(required=False)
    effective_at = DateTimeField(span=PLAN, required=False, allow_null=True)


class OpenVotingSerializer(serializers.Serializer):
    closes_at = DateTimeField(span=PLAN, required=False, allow_null=True, default=None)


class CommentSerializer(ModelSerializer):
    author = UserBriefSerializer(read_only=True)

    class Meta:
        model = Comment
        fields = ("id", "author", "body", "created_at")
        read_only_fields = ("id", "author", "created_at")


class VoteSerializer(ModelSerializer):
    seat = serializers.PrimaryKeyRelatedField(read_only=True)
    chamber = serializers.CharField(source="seat.chamber", read_only=True)

    class Meta:
        model = Vote
        fields = ("id", "seat", "chamber", "choice", "reason", "cast_at", "updated_at")
        read_only_fields = ("id", "seat", "chamber", "cast_at", "updated_at")


class VoteCastSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=Vote.Choice.choices)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    seat = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="If you hold several seats."
    )


class RuleSerializer(serializers.Serializer):
    key = serializers.CharField()
    value = serializers.JSONField()
    default = serializers.JSONField()
    type = serializers.CharField()
    minimum = serializers.FloatField(allow_null=True)
    maximum = serializers.FloatField(allow_null=True)
    choices = serializers.ListField(child=serializers.CharField(), help_text="The values a choice may take.")
    choice_labels = serializers.DictField(
        child=serializers.CharField(), help_text="Each value of a choice as people read it, in the caller's language."
    )
    unit = serializers.CharField(help_text="The unit's stable code (`hours`, `weight`, `fraction of seats`, …).")
    unit_label = serializers.CharField(help_text="The unit as people read it, in the caller's language.")
    range = serializers.CharField(help_text="The values it may take, as people read them (`0 – 1`, `yes or no`).")
    name = serializers.CharField(help_text="The parameter's own name, in the caller's language.")
    description = serializers.CharField(help_text="What the parameter does, in the caller's language.")
    charter = serializers.BooleanField()


class RulebookSerializer(serializers.Serializer):
    version = serializers.IntegerField(allow_null=True)
    effective_at = DateTimeField(allow_null=True)
    proposal = serializers.IntegerField(allow_null=True)
    rules = RuleSerializer(many=True)


class RuleVersionSerializer(ModelSerializer):
    proposal_title = serializers.CharField(source="proposal.title", read_only=True, allow_null=True, default=None)

    class Meta:
        model = RuleVersion
        fields = ("number", "changes", "values", "proposal", "proposal_title", "effective_at", "created_at")
        read_only_fields = fields


class ChainCheckpointSerializer(ModelSerializer):
    cluster = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    sequence = serializers.IntegerField(read_only=True, help_text="The number of entries the checkpoint covers.")
    head_hash = serializers.CharField(read_only=True, help_text="The hash of the entry at `sequence`.")
    signature = serializers.CharField(
        read_only=True, help_text="HMAC-SHA256 under the platform's chain key over cluster, sequence, hash and time."
    )

    class Meta:
        model = ChainCheckpoint
        fields = ("cluster", "sequence", "head_hash", "created_at", "signature")
        read_only_fields = fields


class ChainVerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    entries = serializers.IntegerField()
    first_broken = serializers.IntegerField(allow_null=True)
    problem = serializers.CharField()
    checkpoint = ChainCheckpointSerializer(
        allow_null=True, help_text="The latest checkpoint, which the chain was checked against."
    )
    checked_at = DateTimeField()
