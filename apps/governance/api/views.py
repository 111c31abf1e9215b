from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.api.schema import ErrorSerializer
from apps.core.errors import NotFoundError
from apps.tenancy.api.base import ClusterScopedViewSet
from apps.tenancy.rules import CHARTER_KEYS, REGISTRY, rules_in_force
from apps.tenancy.selectors import ADMINISTRATOR, COUNCIL, MEMBER

from .. import chain, selectors
from ..filters import ProposalFilter
from ..models import ChainCheckpoint, Comment, Proposal, RuleVersion, Seat, Vote
from ..services import council, petitions, proposals, voting
from . import serializers as s

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}
READERS = {ADMINISTRATOR, MEMBER, COUNCIL}


@extend_schema_view(
    list=extend_schema(summary="Council seats", responses={200: s.SeatSerializer(many=True), **ERRORS}),
    create=extend_schema(
        summary="Constitute the empty council, once (administrators; no administrator may hold a seat)",
        description=(
            "Every founding seat in one audited act. Once the council has had a seat, seats are filled and "
            "removed only by passed council-seat proposals, resignations and the end of terms: 409 "
            "`council_already_constituted`."
        ),
        request=s.CouncilBootstrapSerializer,
        responses={201: s.SeatSerializer(many=True), **ERRORS},
    ),
    destroy=extend_schema(
        summary="Refused: a seat ends only by its term, resignation or a passed proposal",
        description="Always 409 `seat_removal_needs_proposal` for a seat of the cluster (404 otherwise).",
        responses={204: None, **ERRORS},
    ),
)
class SeatViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, ClusterScopedViewSet):
    serializer_class = s.SeatSerializer
    queryset = Seat.objects.all()
    filter_backends = []
    required_roles = {
        "list": READERS,
        "create": {ADMINISTRATOR},
        "destroy": {ADMINISTRATOR, COUNCIL},
        "resign": READERS,
    }

    def scoped_queryset(self, *, cluster, user):
        return selectors.seats(cluster=cluster)

    def create(self, request, *args, **kwargs):
        serializer = s.CouncilBootstrapSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        seats = council.council_bootstrap(actor=request.user, cluster=self.cluster, **serializer.validated_data)
        return Response(s.SeatSerializer(seats, many=True).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        council.seat_remove_refused(actor=request.user, cluster=self.cluster, seat_id=int(kwargs["pk"]))

    @extend_schema(summary="Resign your seat (its holder)", request=None, responses={200: s.SeatSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def resign(self, request, *args, **kwargs):
        seat = council.seat_resign(actor=request.user, cluster=self.cluster, seat_id=int(kwargs["pk"]))
        return Response(s.SeatSerializer(seat).data)


@extend_schema_view(
    list=extend_schema(summary="Proposals", responses={200: s.ProposalSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(
        summary="A proposal with its amendments", responses={200: s.ProposalDetailSerializer, **ERRORS}
    ),
    create=extend_schema(
        summary="Draft a proposal (seat holders)",
        request=s.ProposalDraftSerializer,
        responses={201: s.ProposalDetailSerializer, **ERRORS},
    ),
    partial_update=extend_schema(
        summary="Amend (the author, before voting)",
        request=s.ProposalAmendSerializer,
        responses={200: s.ProposalDetailSerializer, **ERRORS},
    ),
)
class ProposalViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ClusterScopedViewSet,
):
    serializer_class = s.ProposalSerializer
    queryset = Proposal.objects.all()
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProposalFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    required_roles = {
        "list": READERS,
        "retrieve": READERS,
        "create": {COUNCIL},
        "partial_update": {COUNCIL},
        "submit": {COUNCIL},
        "open_voting": {COUNCIL, ADMINISTRATOR},
        "withdraw": {COUNCIL, MEMBER},
        "petition": {MEMBER},
        "cosign": {MEMBER},
    }

    def scoped_queryset(self, *, cluster, user):
        qs = selectors.proposals(cluster=cluster, user=user).prefetch_related("signatures")
        if self.action == "retrieve":
            qs = qs.prefetch_related("revisions")
        return qs

    def get_serializer_class(self):
        return s.ProposalDetailSerializer if self.action != "list" else s.ProposalSerializer

    def _detail(self, proposal, code=status.HTTP_200_OK):
        return Response(s.ProposalDetailSerializer(self.get_queryset().get(pk=proposal.pk)).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = s.ProposalDraftSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = proposals.proposal_draft(actor=request.user, cluster=self.cluster, **serializer.validated_data)
        return self._detail(proposal, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        self.get_object()
        serializer = s.ProposalAmendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = proposals.proposal_amend(
            actor=request.user, cluster=self.cluster, proposal_id=int(kwargs["pk"]), **serializer.validated_data
        )
        return self._detail(proposal)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().update(request, *args, **kwargs)

    @extend_schema(
        summary="Submit for deliberation", request=None, responses={200: s.ProposalDetailSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, *args, **kwargs):
        self.get_object()
        return self._detail(
            proposals.proposal_submit(actor=request.user, cluster=self.cluster, proposal_id=int(kwargs["pk"]))
        )

    @extend_schema(
        summary="Open the vote", request=s.OpenVotingSerializer, responses={200: s.ProposalDetailSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"], url_path="open-voting")
    def open_voting(self, request, *args, **kwargs):
        self.get_object()
        serializer = s.OpenVotingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = proposals.proposal_open_voting(
            actor=request.user, cluster=self.cluster, proposal_id=int(kwargs["pk"]), **serializer.validated_data
        )
        return self._detail(proposal)

    @extend_schema(
        summary="Petition the council for a member enterprise (if the charter allows)",
        request=s.PetitionSerializer,
        responses={201: s.ProposalDetailSerializer, **ERRORS},
    )
    @action(detail=False, methods=["post"])
    def petition(self, request, *args, **kwargs):
        serializer = s.PetitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = petitions.petition_start(actor=request.user, cluster=self.cluster, **serializer.validated_data)
        return self._detail(proposal, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Co-sign a petition for your member enterprise",
        request=s.CosignSerializer,
        responses={200: s.ProposalDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cosign(self, request, *args, **kwargs):
        self.get_object()
        serializer = s.CosignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = petitions.petition_cosign(
            actor=request.user, cluster=self.cluster, proposal_id=int(kwargs["pk"]), **serializer.validated_data
        )
        return self._detail(proposal)

    @extend_schema(summary="Withdraw (the author)", request=None, responses={200: s.ProposalDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        self.get_object()
        return self._detail(
            proposals.proposal_withdraw(actor=request.user, cluster=self.cluster, proposal_id=int(kwargs["pk"]))
        )


class ProposalChildViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ClusterScopedViewSet):
    filter_backends = []

    def proposal(self) -> Proposal:
        proposal = selectors.proposal_visible(
            cluster=self.cluster, user=self.request.user, pk=self.kwargs["proposal_pk"]
        )
        if proposal is None:
            raise NotFoundError()
        return proposal


@extend_schema_view(
    list=extend_schema(summary="Comments", responses={200: s.CommentSerializer(many=True), **ERRORS}),
    create=extend_schema(
        summary="Comment (members and the council, during deliberation and voting)",
        responses={201: s.CommentSerializer, **ERRORS},
    ),
)
class CommentViewSet(ProposalChildViewSet):
    serializer_class = s.CommentSerializer
    queryset = Comment.objects.all()
    required_roles = {"list": READERS, "create": {MEMBER, COUNCIL}}

    def scoped_queryset(self, *, cluster, user):
        return selectors.comments(proposal=self.proposal())

    def create(self, request, *args, **kwargs):
        serializer = s.CommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = proposals.comment_add(
            actor=request.user,
            cluster=self.cluster,
            proposal_id=self.proposal().pk,
            body=serializer.validated_data["body"],
        )
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="Votes (your own while voting is open; all once it has closed)",
        responses={200: s.VoteSerializer(many=True), **ERRORS},
    ),
    create=extend_schema(
        summary="Vote (seat holders, inside the window)",
        request=s.VoteCastSerializer,
        responses={201: s.VoteSerializer, **ERRORS},
    ),
)
class VoteViewSet(ProposalChildViewSet):
    serializer_class = s.VoteSerializer
    queryset = Vote.objects.all()
    required_roles = {"list": READERS, "create": {COUNCIL}}

    def scoped_queryset(self, *, cluster, user):
        return selectors.votes_visible(proposal=self.proposal(), user=user)

    def create(self, request, *args, **kwargs):
        serializer = s.VoteCastSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        vote = voting.vote_cast(
            actor=request.user,
            cluster=self.cluster,
            proposal_id=self.proposal().pk,
            choice=data["choice"],
            reason=data["reason"],
            seat_id=data["seat"],
        )
        return Response(s.VoteSerializer(vote).data, status=status.HTTP_201_CREATED)


class RulebookViewSet(ClusterScopedViewSet):
    serializer_class = s.RulebookSerializer
    queryset = RuleVersion.objects.all()
    filter_backends = []
    required_roles = {"current": READERS, "history": READERS}

    def scoped_queryset(self, *, cluster, user):
        return selectors.rulebook_history(cluster=cluster)

    @extend_schema(
        summary="The rulebook in force: every parameter, its value, type, range and meaning",
        responses={200: s.RulebookSerializer, **ERRORS},
    )
    def current(self, request, *args, **kwargs):
        version = selectors.rulebook_version_in_force(cluster=self.cluster)
        values = rules_in_force(self.cluster)
        rules = [
            {
                "key": key,
                "value": values[key],
                "default": rule.default,
                "type": rule.type,
                "minimum": rule.minimum,
                "maximum": rule.maximum,
                "choices": list(rule.choices),
                "choice_labels": {choice: rule.choice_label(choice) for choice in rule.choices},
                "unit": rule.unit,
                "unit_label": rule.unit_label,
                "range": rule.range_label,
                "name": str(rule.name or key),
                "description": str(rule.description),
                "charter": key in CHARTER_KEYS,
            }
            for key, rule in REGISTRY.items()
        ]
        return Response(
            {
                "version": version.number if version else None,
                "effective_at": version.effective_at if version else None,
                "proposal": version.proposal_id if version else None,
                "rules": rules,
            }
        )

    @extend_schema(
        summary="Every rulebook version and the proposal that enacted it",
        responses={200: s.RuleVersionSerializer(many=True), **ERRORS},
    )
    def history(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.RuleVersionSerializer(page, many=True).data)


@extend_schema_view(
    verify=extend_schema(
        summary="Verify the cluster's hash-chained log",
        description="Walks the keyed chain, checks it against every signed checkpoint, and cross-checks the "
        "audit events and votes with the entries that recorded them.",
        responses={200: s.ChainVerificationSerializer, **ERRORS},
    )
)
class AuditChainViewSet(ClusterScopedViewSet):
    serializer_class = s.ChainVerificationSerializer
    queryset = RuleVersion.objects.none()
    filter_backends = []
    required_roles = {"verify": {ADMINISTRATOR, COUNCIL}}

    def scoped_queryset(self, *, cluster, user):
        return RuleVersion.objects.none()

    @action(detail=False, methods=["get"])
    def verify(self, request, *args, **kwargs):
        result = chain.chain_verify(cluster=self.cluster)
        return Response(
            s.ChainVerificationSerializer(
                {
                    "ok": result.ok,
                    "entries": result.entries,
                    "first_broken": result.first_broken,
                    "problem": result.problem,
                    "checkpoint": result.checkpoint,
                    "checked_at": timezone.now(),
                }
            ).data
        )


@extend_schema_view(
    list=extend_schema(
        summary="Signed checkpoints of the cluster's chain head, newest first (members)",
        description="Beat signs the head every hour when it moved. Keep copies: a chain that later differs "
        "from one, or is shorter, fails verification.",
        responses={200: s.ChainCheckpointSerializer(many=True), **ERRORS},
    ),
    create=extend_schema(
        summary="Sign the chain's head now (administrators and the council)",
        description="201 with the new checkpoint; 200 with the latest one when the head has not moved since; "
        "409 when the chain is empty or does not verify from the last checkpoint.",
        request=None,
        responses={201: s.ChainCheckpointSerializer, 200: s.ChainCheckpointSerializer, **ERRORS},
    ),
)
class ChainCheckpointViewSet(mixins.ListModelMixin, ClusterScopedViewSet):
    serializer_class = s.ChainCheckpointSerializer
    queryset = ChainCheckpoint.objects.all()
    filter_backends = []
    required_roles = {"list": READERS, "create": {ADMINISTRATOR, COUNCIL}}

    def scoped_queryset(self, *, cluster, user):
        return selectors.chain_checkpoints(cluster=cluster)

    def create(self, request, *args, **kwargs):
        checkpoint, created = chain.checkpoint_create(cluster=self.cluster)
        return Response(
            s.ChainCheckpointSerializer(checkpoint).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
