"""Where documents are kept and how they are handed out.

Files go through Django's storage API, the ``documents`` storage of ``STORAGES``: a
``FileSystemStorage`` under ``var/documents/`` on the embedded default (outside ``MEDIA_ROOT``:
nothing serves it), an S3-compatible bucket through django-storages when
``DOCUMENTS_S3_BUCKET`` is set (MinIO in ``docker-compose.yml``). A document is handed out only
through a short-lived link signed for one document and one person (``link_token``); the
download re-checks that the person is still a party, then streams the file or, on S3,
redirects to a presigned URL that lives a minute.
"""

import contextlib
import uuid

from django.conf import settings
from django.core import signing
from django.core.files.storage import storages

# --- documents and disputes ---

#: seconds a signed link to a document stays valid
LINK_SECONDS = 300
#: seconds a presigned URL of the bucket stays valid (the signed link was checked just before)
PRESIGNED_SECONDS = 60
SALT = "dealroom.document-link"


def documents_storage():
    return storages["documents"]


def new_key(*, cluster_id: int, room: str, extension: str) -> str:
    """A fresh, unguessable name (the uploader's file name never reaches the storage), under the
    room's folder (``<match id>`` or ``rfq-<id>``)."""
    return key_under(cluster_id, room, extension=extension)


def key_under(*folders, extension: str) -> str:
    """A fresh, unguessable name under ``folders`` (another app's documents: its own first folder)."""
    return "/".join([*(str(folder) for folder in folders), f"{uuid.uuid4().hex}{extension}"])


def store(*, key: str, file) -> None:
    file.seek(0)
    saved = documents_storage().save(key, file)
    if saved != key:  # a storage that renamed it would break the row's reference: undo and refuse
        documents_storage().delete(saved)
        raise OSError(f"the documents storage renamed {key!r} to {saved!r}")


def discard(key: str) -> None:
    """Remove a stored file (a failed write after storing): never raises."""
    with contextlib.suppress(Exception):
        documents_storage().delete(key)


def link_token(*, document_id: int, user_id: int, salt: str = SALT) -> str:
    """``salt`` names the kind of document (another app's own), so a link to one never opens another."""
    return signing.dumps({"d": document_id, "u": user_id}, salt=salt, compress=False)


def read_token(token: str, *, document_id: int, user_id: int, salt: str = SALT) -> bool:
    """The token was signed for this document and this person, less than LINK_SECONDS ago."""
    try:
        data = signing.loads(token, salt=salt, max_age=LINK_SECONDS)
    except signing.BadSignature:  # SignatureExpired included
        return False
    return isinstance(data, dict) and data.get("d") == document_id and data.get("u") == user_id


def is_remote() -> bool:
    """The documents storage is a bucket (presigned URLs) rather than the local filesystem."""
    return hasattr(documents_storage(), "bucket_name")


def download(*, key: str, name: str, content_type: str):
    """The answer that hands a stored file to a reader already checked: a redirect to a presigned URL of
    the bucket, or the file streamed as an attachment that no cache keeps and no browser sniffs."""
    from django.http import FileResponse, HttpResponseRedirect

    if is_remote():
        return HttpResponseRedirect(presigned_url(key=key, name=name, content_type=content_type))
    response = FileResponse(
        documents_storage().open(key, "rb"), as_attachment=True, filename=name, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def presigned_url(*, key: str, name: str, content_type: str) -> str:
    """A URL of the bucket that serves the file for PRESIGNED_SECONDS, as an attachment; signed for
    ``DOCUMENTS_S3_PUBLIC_ENDPOINT_URL`` when browsers reach the bucket at another address."""
    store = documents_storage()
    params = {
        "ResponseContentDisposition": 'attachment; filename="{}"'.format(name.replace('"', "")),
        "ResponseContentType": content_type,
    }
    public = getattr(settings, "DOCUMENTS_S3_PUBLIC_ENDPOINT_URL", "")
    if not public:
        return store.url(key, parameters=params, expire=PRESIGNED_SECONDS)
    import boto3
    from botocore.config import Config

    client = boto3.session.Session().client(
        "s3",
        endpoint_url=public,
        aws_access_key_id=store.access_key,
        aws_secret_access_key=store.secret_key,
        region_name=store.region_name,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )
    return client.generate_presigned_url(
        "get_object",
        Params={"Bucket": store.bucket_name, "Key": store._normalize_name(key), **params},
        ExpiresIn=PRESIGNED_SECONDS,
    )
