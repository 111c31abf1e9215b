"""Files the solution page stored itself move into the documents storage, behind signed links.

The page used to save an uploaded document through ``default_storage`` (under ``MEDIA_ROOT``, at
``innovation/<cluster>/<challenge>/<the uploader's file name>``, served as it was wherever media is
served) and to record it in the solution's ``documents`` metadata. Each such file that is still there
and recorded by exactly one solution of that challenge becomes a ``SolutionDocument`` of it: stored
under a fresh key in the documents storage, with its checksum and the type its bytes show (a type
the bytes do not show is served as ``application/octet-stream``, always as an attachment), and is
removed from the default storage and from the metadata. Metadata the API recorded (no such file)
stays as it is. Backwards, nothing moves back.
"""

import uuid

from django.db import migrations

OCTET_STREAM = "application/octet-stream"


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower()[:10] if dot > 0 else ""


def _checked(file) -> tuple[str, str]:
    """The type the bytes show (else an octet stream) and the SHA-256, by the deal room's own checks."""
    from apps.dealroom import files

    sniffed = files.sniff(file)
    return files.TYPES[sniffed][0] if sniffed else OCTET_STREAM, files.sha256_of(file)


def forwards(apps, schema_editor):
    from django.core.files.storage import default_storage, storages

    Solution = apps.get_model("innovation", "Solution")
    SolutionDocument = apps.get_model("innovation", "SolutionDocument")
    documents = storages["documents"]
    solutions = list(Solution.objects.exclude(documents=[]).only("pk", "cluster_id", "challenge_id", "submitted_by_id", "documents"))
    claimed: dict[str, list[int]] = {}
    for solution in solutions:
        for entry in solution.documents or []:
            reference = entry.get("reference") if isinstance(entry, dict) else None
            if isinstance(reference, str):
                claimed.setdefault(reference, []).append(solution.pk)
    for solution in solutions:
        folder = f"innovation/{solution.cluster_id}/{solution.challenge_id}/"
        kept = []
        for entry in solution.documents or []:
            reference = entry.get("reference") if isinstance(entry, dict) else None
            movable = (
                isinstance(reference, str)
                and reference.startswith(folder)
                and ".." not in reference
                and claimed[reference] == [solution.pk]
                and default_storage.exists(reference)
            )
            if not movable:
                kept.append(entry)
                continue
            name = str(entry.get("name") or reference.rsplit("/", 1)[-1])[:200]
            key = f"{folder}{uuid.uuid4().hex}{_extension(name)}"
            with default_storage.open(reference, "rb") as file:
                content_type, sha256 = _checked(file)
                size = default_storage.size(reference)
                saved = documents.save(key, file)
            SolutionDocument.objects.create(
                cluster_id=solution.cluster_id,
                solution_id=solution.pk,
                name=name,
                storage_key=saved,
                content_type=content_type,
                size=size,
                sha256=sha256,
                uploaded_by_id=solution.submitted_by_id,
            )
            default_storage.delete(reference)
        if len(kept) != len(solution.documents or []):
            Solution.objects.filter(pk=solution.pk).update(documents=kept)


class Migration(migrations.Migration):
    dependencies = [("innovation", "0005_solution_documents_in_the_documents_storage")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
