"""Documents of a match's or deal's room: list, upload (multipart), read one, get a signed link.

Nested under the match and the deal (``…/matches/{id}/documents/``, ``…/deals/{id}/documents/``);
one document by id under ``…/documents/{id}/``. Who is not a party gets 404 for all of it (the
cluster's administrators read the documents of a deal while it has an open dispute)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.core.api.schema import ErrorSerializer
from apps.core.api.serializers import ModelSerializer
from apps.tenancy.api.base import ClusterScopedViewSet
from apps.tenancy.selectors import ADMINISTRATOR, AUTHENTICATED, MEMBER

from .. import selectors, storage
from ..lifecycle import EVIDENCE_MILESTONE_CHOICES
from ..models import Document, DocumentKind
from ..services import documents as document_services

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}
#: bytes of multipart framing and form fields allowed beyond the file itself
FRAMING_BYTES = 64 * 1024


class DocumentSerializer(ModelSerializer):
    class Meta:
        model = Document
        fields = (
            "id",
            "kind",
            "name",
            "content_type",
            "size",
            "sha256",
            "match",
            "deal",
            "rfq",
            "invitation",
            "milestone",
            "dispute",
            "enterprise",
            "created_at",
        )
        read_only_fields = fields


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=False, max_length=200)
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    milestone = serializers.ChoiceField(
        choices=EVIDENCE_MILESTONE_CHOICES, required=False, allow_blank=True, default=""
    )


LinkSerializer = inline_serializer(
    "DocumentLink", {"url": serializers.CharField(), "expires_in": serializers.IntegerField()}
)


def refuse_oversized(request, cluster, rule: str = "dealroom.max_document_mb") -> None:
    """Before the body is read: a declared length past the rulebook's limit (``rule``, in megabytes) is
    refused; after: an upload the capped handler stopped reading is refused, naming ``file``."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > document_services.max_bytes(cluster, rule) + FRAMING_BYTES:
        document_services.check_size(cluster=cluster, size=None, rule=rule)


def upload_data(request, cluster, rule: str = "dealroom.max_document_mb"):
    """The request's multipart data, read within the rulebook's limit (``rule``): refused on its declared
    length before the body is read, then if the capped upload handler stopped reading a file (which
    it can only have done once the body is parsed, hence ``request.data`` first)."""
    refuse_oversized(request, cluster, rule=rule)
    data = request.data
    if getattr(request._request, "upload_refused", False):
        document_services.check_size(cluster=cluster, size=None, rule=rule)
    return data


class RoomDocumentsViewSet(mixins.ListModelMixin, ClusterScopedViewSet):
    """Shared by the match's and the deal's room: ``room_kwarg`` names the URL's id."""

    serializer_class = DocumentSerializer
    queryset = Document.objects.all()
    required_roles = {"list": {MEMBER, ADMINISTRATOR}, "create": {MEMBER}}
    parser_classes = [MultiPartParser, FormParser]
    room_kwarg = ""

    def room(self) -> dict:
        raise NotImplementedError

    def scoped_queryset(self, *, cluster, user):
        return selectors.documents_for(cluster=cluster, user=user, roles=self.cluster_roles, **self.room())

    def create(self, request, *args, **kwargs):
        room = self.room()  # not a party: 404 before the body is read
        serializer = DocumentUploadSerializer(data=upload_data(request, self.cluster))
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        document = document_services.document_upload(
            actor=request.user,
            cluster=self.cluster,
            kind=values["kind"],
            file=values["file"],
            milestone=values["milestone"],
            **room,
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


ROOM_SCHEMA = {
    "list": extend_schema(summary="The room's documents", responses={200: DocumentSerializer(many=True), **ERRORS}),
    "create": extend_schema(
        summary="Upload a document (multipart: file, kind, milestone)",
        description=(
            "The file is checked by its content, not its name: the sniffed type must be one the kind "
            "allows and agree with the file name's extension; its size must be within the rulebook's "
            "`dealroom.max_document_mb`. Answers the document with its id and SHA-256."
        ),
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentSerializer, **ERRORS},
    ),
}


@extend_schema_view(**ROOM_SCHEMA)
class DealDocumentsViewSet(RoomDocumentsViewSet):
    def room(self) -> dict:
        deal = selectors.room_deal(
            cluster=self.cluster, user=self.request.user, roles=self.cluster_roles, deal_id=int(self.kwargs["deal_pk"])
        )
        return {"deal_id": deal.pk}


@extend_schema_view(**ROOM_SCHEMA)
class MatchDocumentsViewSet(RoomDocumentsViewSet):
    def room(self) -> dict:
        match_id = int(self.kwargs["match_pk"])
        if self.action == "create":
            selectors.party_match(cluster=self.cluster, user=self.request.user, match_id=match_id)
        return {"match_id": match_id}


@extend_schema_view(
    retrieve=extend_schema(
        summary="A document of a room you are a party to", responses={200: DocumentSerializer, **ERRORS}
    )
)
class DocumentViewSet(mixins.RetrieveModelMixin, ClusterScopedViewSet):
    serializer_class = DocumentSerializer
    queryset = Document.objects.all()
    #: anyone signed in reaches the selector, which shows a document to its parties only: every
    #: other caller, of this cluster or another, gets the same 404 (not a 403 that says it exists)
    required_roles = {"retrieve": {AUTHENTICATED}, "link": {AUTHENTICATED}}

    def scoped_queryset(self, *, cluster, user):
        return selectors.documents_visible(cluster=cluster, user=user, roles=self.cluster_roles)

    @extend_schema(
        summary="A short-lived link to download the document (yours alone, five minutes)",
        responses={200: LinkSerializer, **ERRORS},
    )
    @action(detail=True, methods=["get"])
    def link(self, request, *args, **kwargs):
        document = self.get_object()
        token = storage.link_token(document_id=document.pk, user_id=request.user.pk)
        url = reverse("document-download", args=[self.cluster.slug, document.pk, token])
        return Response({"url": url, "expires_in": storage.LINK_SECONDS})
