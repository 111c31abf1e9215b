"""The conversation of a match, and of its deal: ``…/matches/{id}/messages/`` and
``…/deals/{id}/messages/`` (list, post, mark read). Only the two sides' people, the cluster's
administrators during a dispute and platform staff; anyone else gets a 404."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.core.api import fields
from apps.core.api.schema import ErrorSerializer
from apps.core.errors import NotFoundError
from apps.tenancy.api.base import ClusterScopedViewSet
from apps.tenancy.selectors import AUTHENTICATED

from .. import live, selectors
from ..filters import MessageFilter
from ..models import MESSAGE_LANGUAGES, MESSAGE_MAX_LENGTH, Message
from ..services import conversation as services
from .attachments import AttachedFileSerializer, AttachmentSerializer, attached_file

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
#: anyone signed in passes the role check, so that the match decides (``selectors.conversation_party``):
#: a side's people who are members, an administrator during a dispute, staff; everyone else a 404
PARTIES = {AUTHENTICATED}


def _in_path(name: str, description: str) -> list[OpenApiParameter]:
    return [OpenApiParameter(name, int, OpenApiParameter.PATH, description=description)]


MATCH = _in_path("match_pk", "The match's id.")
WITH_DOCUMENT = (
    "One write: the file is checked (its content against the kind, its size against the rulebook's "
    "`dealroom.max_document_mb`) before the message is written, and a file refused leaves no message. "
    "Only the two sides attach documents."
)
DEAL = _in_path("deal_pk", "The deal's id.")


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MessageSerializer(serializers.Serializer):
    """A message in its author's words, with the language it is written in."""

    id = serializers.IntegerField(read_only=True)
    body = serializers.CharField(read_only=True)
    language = serializers.ChoiceField(choices=MESSAGE_LANGUAGES, read_only=True)
    language_name = serializers.CharField(read_only=True, help_text="The message's language, in the reader's.")
    author = NamedSerializer(read_only=True, allow_null=True)
    enterprise = NamedSerializer(read_only=True, allow_null=True, help_text="The side the author wrote for.")
    from_administrator = serializers.BooleanField(read_only=True)
    created_at = fields.DateTimeField(read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True, help_text="Documents sent with the message.")

    def to_representation(self, instance):
        return live.localized(live.payload_of(instance))


class MessagePostSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MESSAGE_MAX_LENGTH)
    language = serializers.ChoiceField(
        choices=MESSAGE_LANGUAGES, required=False, help_text="Default: the author's preferred language."
    )


class MessageWithDocumentSerializer(MessagePostSerializer, AttachedFileSerializer):
    """A message and the document sent with it (multipart): one write, the file refused -> no message."""


class MarkReadSerializer(serializers.Serializer):
    up_to = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, help_text="A message id (default: the newest)."
    )


class ReadStateSerializer(serializers.Serializer):
    last_read_id = serializers.IntegerField()
    unread = serializers.IntegerField()


class MessageViewSet(mixins.ListModelMixin, ClusterScopedViewSet):
    """A conversation's messages, the match resolved by the subclass (``match_id``)."""

    serializer_class = MessageSerializer
    queryset = Message.objects.all()  # the schema's model; requests use scoped_queryset
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = MessageFilter
    required_roles = {"list": PARTIES, "create": PARTIES, "read": PARTIES, "with_document": PARTIES}

    def match_id(self) -> int:
        raise NotImplementedError

    def party(self):
        if not hasattr(self, "_party"):
            self._party = selectors.conversation_party(
                cluster=self.cluster, user=self.request.user, roles=self.cluster_roles, match_id=self.match_id()
            )
        return self._party

    def scoped_queryset(self, *, cluster, user):
        conversation = self.party().conversation
        return selectors.messages_of(conversation.pk if conversation else None)

    def create(self, request, *args, **kwargs):
        self.party()  # 404 before the body is looked at, for anyone no party to the match
        return self._post(request, attached={})

    @action(detail=False, methods=["post"], url_path="with-document", parser_classes=[MultiPartParser, FormParser])
    def with_document(self, request, *args, **kwargs):
        self.party()
        return self._post(request, attached=attached_file(request, self.cluster))

    def _post(self, request, *, attached: dict):
        serializer = MessagePostSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = services.message_post(
            actor=request.user,
            cluster=self.cluster,
            roles=self.cluster_roles,
            match_id=self.match_id(),
            body=serializer.validated_data["body"],
            language=serializer.validated_data.get("language"),
            **attached,
        )
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @action(detail=False, methods=["post"], url_path="read")
    def read(self, request, *args, **kwargs):
        self.party()
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        state = services.conversation_mark_read(
            actor=request.user,
            cluster=self.cluster,
            roles=self.cluster_roles,
            match_id=self.match_id(),
            up_to=serializer.validated_data.get("up_to"),
        )
        return Response(ReadStateSerializer(state).data)


@extend_schema_view(
    list=extend_schema(
        summary="A match's conversation (oldest first, newest last; ?after=<id> to catch up)",
        parameters=MATCH,
        responses={200: MessageSerializer(many=True), **ERRORS},
    ),
    create=extend_schema(
        summary="Write in a match's conversation",
        parameters=MATCH,
        request=MessagePostSerializer,
        responses={201: MessageSerializer, **ERRORS},
    ),
    with_document=extend_schema(
        summary="Write in a match's conversation with a document attached (multipart: body, language, kind, file)",
        description=WITH_DOCUMENT,
        parameters=MATCH,
        request={"multipart/form-data": MessageWithDocumentSerializer},
        responses={201: MessageSerializer, **ERRORS},
    ),
    read=extend_schema(
        summary="Mark a match's conversation read up to a message",
        parameters=MATCH,
        request=MarkReadSerializer,
        responses={200: ReadStateSerializer, **ERRORS},
    ),
)
class MatchMessageViewSet(MessageViewSet):
    """A match's conversation."""

    def match_id(self) -> int:
        return int(self.kwargs["match_pk"])


@extend_schema_view(
    list=extend_schema(
        summary="A deal's conversation (its match's, continued)",
        parameters=DEAL,
        responses={200: MessageSerializer(many=True), **ERRORS},
    ),
    create=extend_schema(
        summary="Write in a deal's conversation",
        parameters=DEAL,
        request=MessagePostSerializer,
        responses={201: MessageSerializer, **ERRORS},
    ),
    with_document=extend_schema(
        summary="Write in a deal's conversation with a document attached (multipart: body, language, kind, file)",
        description=WITH_DOCUMENT,
        parameters=DEAL,
        request={"multipart/form-data": MessageWithDocumentSerializer},
        responses={201: MessageSerializer, **ERRORS},
    ),
    read=extend_schema(
        summary="Mark a deal's conversation read up to a message",
        parameters=DEAL,
        request=MarkReadSerializer,
        responses={200: ReadStateSerializer, **ERRORS},
    ),
)
class DealMessageViewSet(MessageViewSet):
    """The same conversation, reached from the deal (one deal per match)."""

    def match_id(self) -> int:
        if not hasattr(self, "_match_id"):
            match_id = selectors.match_id_of_deal(cluster=self.cluster, deal_id=int(self.kwargs["deal_pk"]))
            if match_id is None:
                raise NotFoundError()
            self._match_id = match_id
        return self._match_id
