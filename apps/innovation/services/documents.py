"""A solution's documents: checked and stored as the deal room's are, served by short-lived signed links.

The file's type is sniffed from its bytes and must agree with its name (``apps.dealroom.files``), its
size is capped by the rulebook (``innovation.max_document_mb``), its SHA-256 is recorded, and it is
kept through the "documents" storage under a fresh key (``apps.dealroom.storage``): never under
``MEDIA_ROOT``, never at a name the uploader chose. A reader gets a link signed for one document and
one person that lives ``storage.LINK_SECONDS``; the download re-checks that they may still read the
solution (``selectors.solution_document_get``).
"""

from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.dealroom import files, storage
from apps.dealroom.services.documents import CheckedFile, check_size, keep_with_row

from ..models import SolutionDocument

#: the sniffed types a solution's document may be (a method, a drawing, a sheet of results, an archive)
SOLUTION_TYPES = {files.PDF, files.PNG, files.JPEG, files.DOCX, files.XLSX, files.ZIP}
#: the documents a solution may hold
MAX_DOCUMENTS = 20
MAX_RULE = "innovation.max_document_mb"
#: signs the links to solution documents (a deal room link never opens one, nor the reverse)
LINK_SALT = "innovation.solution-document-link"
#: the page field and service argument a refusal names
FIELD = "document"


def document_check(*, cluster, file, name: str = "") -> CheckedFile:
    """Every check of an upload before anything is written or stored: a ``DomainError`` naming ``document``."""
    if file is None:
        raise DomainError(_("Choose a file."), field=FIELD, code="required")
    try:
        check_size(cluster=cluster, size=file.size, rule=MAX_RULE)
        name = (name or file.name or "").strip()[:200]
        content_type = files.check_types(
            file=file, name=name, allowed=SOLUTION_TYPES, what=str(SolutionDocument._meta.verbose_name)
        )
    except DomainError as error:
        error.field = FIELD
        raise
    return CheckedFile(
        file=file, kind="solution", name=name, content_type=content_type, size=file.size, sha256=files.sha256_of(file)
    )


def document_keep(*, checked: CheckedFile, actor, solution) -> SolutionDocument:
    """Record a checked file as a document of ``solution`` and store it, all or nothing (inside the
    caller's transaction, a storage that fails rolls back the submission or revision with it)."""
    if SolutionDocument.objects.filter(solution=solution).count() + len(solution.documents or []) >= MAX_DOCUMENTS:
        raise DomainError(_("At most 20 documents."), field=FIELD)
    key = storage.key_under(
        "innovation", solution.cluster_id, solution.challenge_id, extension=files.extension_of(checked.name)
    )
    document = SolutionDocument(
        cluster_id=solution.cluster_id,
        solution=solution,
        name=checked.name,
        storage_key=key,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    try:
        keep_with_row(row=document, key=key, file=checked.file)
    except DomainError as error:  # the storage did not answer: said on the upload's field
        error.field = FIELD
        raise
    return document


def link_token(*, document_id: int, user_id: int) -> str:
    return storage.link_token(document_id=document_id, user_id=user_id, salt=LINK_SALT)


def read_token(token: str, *, document_id: int, user_id: int) -> bool:
    return storage.read_token(token, document_id=document_id, user_id=user_id, salt=LINK_SALT)


def document_download(document: SolutionDocument):
    """The answer that hands the file to a reader the caller has checked (a stream or a presigned redirect)."""
    return storage.download(key=document.storage_key, name=document.name, content_type=document.content_type)
