"""Challenges and their solutions: ``/api/v1/clusters/{slug}/challenges/`` and
``…/challenges/{id}/solutions/``. Who may see what is decided in ``selectors``; each write is one
service call. Non-participants of the cluster (another cluster's members, people with no role)
get 404, as does a solver asking for a solution that is not theirs."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.core.api.schema import ErrorSerializer
from apps.core.errors import DomainError, NotFoundError
from apps.dealroom.api.documents import LinkSerializer, upload_data
from apps.dealroom.storage import LINK_SECONDS
from apps.tenancy.api.base import ClusterScopedViewSet
from apps.tenancy.selectors import ADMINISTRATOR, AUTHENTICATED, COUNCIL, MEMBER

from .. import lifecycle, selectors
from ..filters import ChallengeFilter
from ..models import Challenge, Solution
from ..services import challenges as challenge_services
from ..services import documents as solution_documents
from ..services import solutions as solution_services
from . import serializers as s

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}
#: anyone signed in passes the role check; whether they take part in the cluster's innovation
#: (member, administrator, council, a registered expert) is the selectors' decision: else 404
PARTICIPANTS = {ADMINISTRATOR, MEMBER, COUNCIL, AUTHENTICATED}


class InnovationViewSet(ClusterScopedViewSet):
    viewer = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.viewer = selectors.viewer_of(request.user, self.cluster, user=request.user, roles=self.cluster_roles)
        if not self.viewer.participates:
            raise NotFoundError()


# --- challenges and solutions ---


class ChallengeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, InnovationViewSet):
    serializer_class = s.ChallengeSerializer
    queryset = Challenge.objects.all()
    filterset_class = ChallengeFilter
    required_roles = {"*": PARTICIPANTS}

    def scoped_queryset(self, *, cluster, user):
        return selectors.challenges_for(self.viewer, cluster)

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def _answer(self, challenge, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=challenge.pk)).data, status=code)

    @extend_schema(
        summary="Post a challenge",
        request=s.ChallengeCreateSerializer,
        responses={201: s.ChallengeSerializer, **ERRORS},
    )
    def create(self, request, *args, **kwargs):
        serializer = s.ChallengeCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        challenge = challenge_services.challenge_create(
            actor=request.user,
            viewer=self.viewer,
            cluster=self.cluster,
            seeker=data.pop("seeker", None),
            capabilities=data.pop("capabilities", []),
            publish=data.pop("publish", False),
            **data,
        )
        return self._answer(challenge, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Open a draft (the matching experts are told)",
        request=None,
        responses={200: s.ChallengeSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def open(self, request, *args, **kwargs):
        challenge = challenge_services.challenge_open(
            actor=request.user, viewer=self.viewer, challenge=self.get_object()
        )
        return self._answer(challenge)

    @extend_schema(
        summary="Close submissions, or close without award",
        request=s.TransitionSerializer,
        responses={200: s.ChallengeSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, *args, **kwargs):
        serializer = s.TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        challenge = challenge_services.challenge_transition(
            actor=request.user, viewer=self.viewer, challenge=self.get_object(), to=serializer.validated_data["status"]
        )
        return self._answer(challenge)

    @extend_schema(
        summary="Withdraw (an open challenge with submissions: a request the administrators decide)",
        request=s.WithdrawSerializer,
        responses={200: s.ChallengeSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        serializer = s.WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        challenge = challenge_services.challenge_withdraw(
            actor=request.user, viewer=self.viewer, challenge=self.get_object(), **serializer.validated_data
        )
        return self._answer(challenge)

    @extend_schema(
        summary="The administrators approve or refuse a withdrawal",
        request=s.WithdrawalDecisionSerializer,
        responses={200: s.ChallengeSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="decide-withdrawal")
    def decide_withdrawal(self, request, *args, **kwargs):
        serializer = s.WithdrawalDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        challenge = challenge_services.challenge_decide_withdrawal(
            actor=request.user, viewer=self.viewer, challenge=self.get_object(), **serializer.validated_data
        )
        return self._answer(challenge)

    @extend_schema(
        summary="Accept the confidentiality terms (recorded: who, when, which version)",
        request=s.AcceptTermsSerializer,
        responses={200: s.ChallengeSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="accept-terms")
    def accept_terms(self, request, *args, **kwargs):
        serializer = s.AcceptTermsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        challenge = self.get_object()
        challenge_services.terms_accept(
            actor=request.user, viewer=self.viewer, challenge=challenge, **serializer.validated_data
        )
        return self._answer(challenge)

    @extend_schema(
        summary="The confidential details (the seeker; solvers who accepted the terms)",
        responses={200: s.ChallengeDetailsSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get"])
    def details(self, request, *args, **kwargs):
        challenge = self.get_object()
        lifecycle.check_sees_details(
            is_seeker=selectors.is_seeker(challenge, self.viewer),
            accepted=challenge.terms_accepted,
            confidential=challenge.confidential,
        )
        return Response(s.ChallengeDetailsSerializer(challenge).data)

    @extend_schema(
        summary="Award one or several solutions",
        request=s.ChallengeAwardSerializer,
        responses={200: s.ChallengeSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def award(self, request, *args, **kwargs):
        serializer = s.ChallengeAwardSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        challenge = self.get_object()
        solution_services.challenge_award(
            actor=request.user,
            viewer=self.viewer,
            challenge=challenge,
            solution_ids=serializer.validated_data["solutions"],
        )
        return self._answer(challenge)


class SolutionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, InnovationViewSet):
    """A challenge's submissions: the seeker reads them all, an author their own, nobody else any."""

    serializer_class = s.SolutionSerializer
    queryset = Solution.objects.all()
    required_roles = {"*": PARTICIPANTS}
    http_method_names = ["get", "post", "patch", "head", "options"]
    challenge = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.challenge = selectors.challenge_get(self.viewer, self.cluster, kwargs["challenge_pk"])

    def scoped_queryset(self, *, cluster, user):
        return selectors.solutions_for(self.viewer, self.challenge)

    def _answer(self, solution, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=solution.pk)).data, status=code)

    def _written(self, solution, serializer_class, service, *, data, code=status.HTTP_200_OK, renamed=None):
        """``data`` validated by ``serializer_class`` (a 400 naming the field), handed to ``service`` for
        ``solution`` (``renamed`` maps a serializer field to the service's argument): the solution as it reads now."""
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        fields = {(renamed or {}).get(name, name): value for name, value in serializer.validated_data.items()}
        service(actor=self.request.user, viewer=self.viewer, solution=solution, **fields)
        return self._answer(solution, code)

    @extend_schema(
        summary="Submit a solution (after accepting the terms, before the deadline)",
        request=s.SolutionCreateSerializer,
        responses={201: s.SolutionSerializer, **ERRORS},
    )
    def create(self, request, *args, **kwargs):
        serializer = s.SolutionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        solution = solution_services.solution_submit(
            actor=request.user, viewer=self.viewer, challenge=self.challenge, **serializer.validated_data
        )
        return self._answer(solution, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Revise a solution (until the deadline)",
        request=s.SolutionReviseSerializer,
        responses={200: s.SolutionSerializer, **ERRORS},
    )
    def partial_update(self, request, *args, **kwargs):
        return self._written(
            self.get_object(), s.SolutionReviseSerializer, solution_services.solution_revise, data=request.data
        )

    @extend_schema(
        summary="The seeker shortlists a solution (or takes it off)",
        request=s.ShortlistSerializer,
        responses={200: s.SolutionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def shortlist(self, request, *args, **kwargs):
        return self._written(
            self.get_object(), s.ShortlistSerializer, solution_services.solution_shortlist, data=request.data
        )

    @extend_schema(
        summary="The seeker asks the authors a question",
        request=s.QuestionSerializer,
        responses={201: s.SolutionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def questions(self, request, *args, **kwargs):
        return self._written(
            self.get_object(),
            s.QuestionSerializer,
            solution_services.question_ask,
            data=request.data,
            code=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="The authors answer a question",
        request=s.AnswerSerializer,
        responses={200: s.SolutionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, *args, **kwargs):
        return self._written(
            self.get_object(),
            s.AnswerSerializer,
            solution_services.question_answer,
            data=request.data,
            renamed={"question": "question_id"},
        )

    @extend_schema(
        summary="Add a document to your solution (multipart: document), as a revision",
        description=(
            "The file is checked by its content, not its name: PDF, PNG, JPEG, DOCX, XLSX or ZIP, agreeing with the "
            "file name's extension, within the rulebook's `innovation.max_document_mb`. Answers the solution, the "
            "document among its `files` with its SHA-256."
        ),
        request={"multipart/form-data": s.SolutionDocumentUploadSerializer},
        responses={201: s.SolutionSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def files(self, request, *args, **kwargs):
        solution = self.get_object()  # not a reader of it: 404 before the body is read
        try:
            data = upload_data(request, self.cluster, rule=solution_documents.MAX_RULE)
        except DomainError as error:
            error.field = solution_documents.FIELD
            raise
        return self._written(
            solution,
            s.SolutionDocumentUploadSerializer,
            solution_services.solution_revise,
            data=data,
            code=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="A short-lived link to download a document of the solution (yours alone, five minutes)",
        parameters=[OpenApiParameter("file_id", int, OpenApiParameter.PATH, description="The document's id.")],
        responses={200: LinkSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get"], url_path=r"files/(?P<file_id>[0-9]+)/link")
    def file_link(self, request, *args, file_id, **kwargs):
        document = selectors.solution_document_get(
            self.viewer, self.challenge, solution_id=int(kwargs["pk"]), document_id=int(file_id)
        )
        token = solution_documents.link_token(document_id=document.pk, user_id=request.user.pk)
        args = [self.cluster.slug, self.challenge.pk, document.solution_id, document.pk, token]
        return Response({"url": reverse("solution-document-download", args=args), "expires_in": LINK_SECONDS})
