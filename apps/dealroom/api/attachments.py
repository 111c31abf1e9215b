"""Documents sent with a message or an offer: how they read, and the multipart body that carries
one (``…/messages/with-document/``, ``…/offers/with-document/``, ``…/offers/{id}/counter-with-document/``).

Files travel as ``multipart/form-data`` and only on these and the documents' own uploads (the
JSON endpoints beside them stay JSON); the size is refused before the body is read
(``documents.upload_data``), then the content, as any upload of the room."""

from rest_framework import serializers

from ..models import DocumentKind
from .documents import upload_data


class AttachmentSerializer(serializers.Serializer):
    """A document attached to a message or an offer (fetch it through ``documents/{id}/link/``)."""

    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=DocumentKind.choices, read_only=True)
    name = serializers.CharField(read_only=True)
    content_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    sha256 = serializers.CharField(read_only=True)


class AttachedFileSerializer(serializers.Serializer):
    """The document of a message or an offer sent with it."""

    file = serializers.FileField(allow_empty_file=False, max_length=200)
    kind = serializers.ChoiceField(choices=DocumentKind.choices)


def attached_file(request, cluster) -> dict:
    """The request's ``file`` and ``kind``, validated (a 400 naming the field; an upload over the
    rulebook's limit is refused before its body is read)."""
    serializer = AttachedFileSerializer(data=upload_data(request, cluster))
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
