"""A solution's document is checked and kept as the deal room's are: its type sniffed from the bytes, its
size capped by the rulebook, its checksum recorded, stored in the documents storage under a fresh key;
it is handed out only by a short-lived link signed for one reader who may read the solution."""

import hashlib
import importlib
from unittest import mock

import pytest
from django.apps import apps as global_apps
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from apps.dealroom import storage
from apps.innovation.models import Challenge, Solution, SolutionDocument
from tests.factories.governance import RuleVersionFactory

from .conftest import stored_files
from .test_pages import challenge_form

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MB = 1024 * 1024


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(world, name, *args) -> str:
    return reverse(name, args=[world.cluster.slug, *args])


@pytest.fixture
def challenge(world):
    """An open challenge of the seeker whose terms the solver has accepted."""
    assert (
        browser(world.seeker_owner).post(url(world, "challenge-create-page"), challenge_form(world)).status_code == 302
    )
    challenge = Challenge.objects.get(cluster=world.cluster)
    browser(world.solver_owner).post(url(world, "challenge-accept-terms-page", challenge.pk))
    return challenge


def submit(world, challenge, data: bytes, name: str):
    form = {"kind": "enterprise", "enterprise": world.solver.pk, "title": "Carrier-free dyeing", "body": "At 95 °C"}
    document = SimpleUploadedFile(name, data, content_type="application/pdf")  # what the browser claims
    return browser(world.solver_owner).post(
        url(world, "solution-create-page", challenge.pk), {**form, "document": document}
    )


def open_link(world, challenge, document, user):
    """The challenge page's link to the document, followed by ``user``: the signed download URL or the answer."""
    answer = browser(user).get(url(world, "solution-document-open", challenge.pk, document.solution_id, document.pk))
    return answer["Location"] if answer.status_code == 302 else answer


@pytest.fixture
def kept(world, challenge):
    assert submit(world, challenge, PDF, "method.pdf").status_code == 302
    return SolutionDocument.objects.get()


def test_the_document_is_stored_with_its_checksum_and_read_by_its_authors_and_the_seeker(world, challenge, kept):
    assert (kept.name, kept.content_type, kept.size) == ("method.pdf", "application/pdf", len(PDF))
    assert kept.sha256 == hashlib.sha256(PDF).hexdigest()
    assert kept.storage_key.startswith(f"innovation/{world.cluster.pk}/{challenge.pk}/")
    assert "method" not in kept.storage_key  # the uploader's name never reaches the storage
    assert stored_files() == [kept.storage_key]
    page = browser(world.seeker_owner).get(url(world, "challenge-page", challenge.pk)).content.decode()
    assert f'data-testid="solution-document-{kept.pk}"' in page
    for reader in (world.seeker_owner, world.solver_owner):
        link = open_link(world, challenge, kept, reader)
        response = browser(reader).get(link)
        assert response.status_code == 200, reader
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"] and "no-store" in response["Cache-Control"]
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"MZ\x90\x00 an executable", "method.pdf"),  # claimed a PDF by its name and its browser: it is not
        (b"plain text notes", "notes.txt"),
        (PDF, "method.docx"),  # a PDF under another type's name
    ],
)
def test_a_content_not_accepted_is_refused_on_the_field_and_nothing_is_kept(world, challenge, data, name):
    answer = submit(world, challenge, data, name)
    assert answer.status_code == 200 and answer.context["form"].errors.get("document"), answer.context["form"].errors
    assert not Solution.objects.exists() and not SolutionDocument.objects.exists()
    assert stored_files() == []


def test_a_document_over_the_rulebooks_size_is_refused_and_the_rule_decides(world, challenge):
    RuleVersionFactory(cluster=world.cluster, changes={"innovation.max_document_mb": 1})
    big = PDF + b"0" * MB
    answer = submit(world, challenge, big, "method.pdf")
    assert answer.status_code == 200 and "1 MB" in str(answer.context["form"].errors["document"])
    assert not Solution.objects.exists() and stored_files() == []
    RuleVersionFactory(cluster=world.cluster, changes={"innovation.max_document_mb": 2})
    assert submit(world, challenge, big, "method.pdf").status_code == 302
    assert SolutionDocument.objects.get().size == len(big)


def test_an_upload_over_the_ceiling_is_refused_on_the_field(world, challenge):
    with mock.patch("apps.dealroom.rules.UPLOAD_CEILING_BYTES", 1024):
        answer = submit(world, challenge, PDF + b"0" * 4096, "method.pdf")
    assert answer.status_code == 200 and answer.context["form"].errors.get("document")
    assert not Solution.objects.exists()


def test_a_reader_who_may_not_read_the_solution_gets_404_for_the_link(world, challenge, kept):
    link = open_link(world, challenge, kept, world.solver_owner)
    # another solver, a member who took no part, the park's administrator (not the seeker here), another cluster's
    for outsider in (world.rival_owner, world.partner_owner, world.admin, world.foreign_owner):
        assert browser(outsider).get(link).status_code == 404  # the link is signed for the solver alone
        refused = open_link(world, challenge, kept, outsider)
        assert getattr(refused, "status_code", None) == 404  # nor may they have a link of their own
    # a member of another cluster with a link signed for them still finds nothing
    token = storage.link_token(
        document_id=kept.pk, user_id=world.foreign_owner.pk, salt="innovation.solution-document-link"
    )
    own = url(world, "solution-document-download", challenge.pk, kept.solution_id, kept.pk, token)
    assert browser(world.foreign_owner).get(own).status_code == 404
    # the document's link under another solution, or a deal room's token, opens nothing
    other = url(world, "solution-document-download", challenge.pk, kept.solution_id + 1, kept.pk, link.split("/")[-2])
    assert browser(world.solver_owner).get(other).status_code == 404
    room = storage.link_token(document_id=kept.pk, user_id=world.solver_owner.pk)
    forged = url(world, "solution-document-download", challenge.pk, kept.solution_id, kept.pk, room)
    assert browser(world.solver_owner).get(forged).status_code == 404


def test_a_link_expires(world, challenge, kept):
    link = open_link(world, challenge, kept, world.seeker_owner)
    seeker = browser(world.seeker_owner)
    signed_at = signing.b62_decode(link.rstrip("/").rsplit("/", 1)[1].split(":")[1])
    with mock.patch("django.core.signing.time.time", return_value=signed_at + storage.LINK_SECONDS - 1):
        assert seeker.get(link).status_code == 200
    with mock.patch("django.core.signing.time.time", return_value=signed_at + storage.LINK_SECONDS + 1):
        assert seeker.get(link).status_code == 404
    assert seeker.get(link.replace("/download/", "/download/x")).status_code == 404  # forged


def test_a_revision_adds_a_document_and_a_storage_that_fails_keeps_nothing(world, challenge, kept):
    revise = url(world, "solution-revise-page", challenge.pk, kept.solution_id)
    solver = browser(world.solver_owner)
    second = SimpleUploadedFile("results.pdf", PDF)
    assert solver.post(revise, {"title": "v2", "body": "At 92 °C", "document": second}).status_code == 302
    assert [d.name for d in SolutionDocument.objects.order_by("pk")] == ["method.pdf", "results.pdf"]
    with mock.patch.object(storage, "store", side_effect=OSError("disk full")):
        answer = solver.post(revise, {"title": "v3", "body": "…", "document": SimpleUploadedFile("x.pdf", PDF)})
    assert answer.status_code == 200 and answer.context["form"].errors.get("document")
    solution = Solution.objects.get()
    assert (solution.title, solution.revision, solution.files.count()) == ("v2", 2, 2)
    assert len(stored_files()) == 2


def test_the_question_thread_refuses_on_the_page_what_the_service_refuses(world, challenge, kept):
    """The seeker's question and an author's answer share one page step: a bad form is a message and
    nothing written, a question of another solution is a 404, a refusal of the service is said."""
    solution = kept.solution
    ask = url(world, "solution-question-page", challenge.pk, solution.pk)
    answer = url(world, "solution-answer-page", challenge.pk, solution.pk)
    seeker, solver = browser(world.seeker_owner), browser(world.solver_owner)
    asked = seeker.post(ask, {"question": "Wash fastness?"}, follow=True)
    assert "Your question is sent" in asked.content.decode()
    question = solution.questions.get()
    too_long = solver.post(answer, {"question_id": question.pk, "answer": "x" * 4001}, follow=True)
    assert "at most 4000 characters" in too_long.content.decode()
    question.refresh_from_db()
    assert question.answer == ""
    assert solver.post(answer, {"question_id": question.pk + 1, "answer": "4"}).status_code == 404
    # the solver is no seeker: asking is an access refusal, and nothing is asked
    assert solver.post(ask, {"question": "Mine?"}).status_code == 403
    assert solution.questions.count() == 1
    assert browser(world.rival_owner).post(answer, {"question_id": question.pk, "answer": "4"}).status_code == 404
    assert solver.post(answer, {"question_id": question.pk, "answer": "4/5"}).status_code == 302
    question.refresh_from_db()
    assert question.answer == "4/5"


def test_the_migration_moves_the_files_the_page_stored_itself_behind_signed_links(world, challenge):
    migration = importlib.import_module("apps.innovation.migrations.0006_solution_documents_out_of_the_media_storage")
    folder = f"innovation/{world.cluster.pk}/{challenge.pk}/"
    old = default_storage.save(f"{folder}method.pdf", ContentFile(PDF))
    notes = default_storage.save(f"{folder}notes.txt", ContentFile(b"plain notes"))
    recorded_by_the_api = {"name": "spec.pdf", "content_type": "application/pdf", "reference": "demo"}
    elsewhere = default_storage.save("innovation/0/0/theirs.pdf", ContentFile(PDF))  # not this challenge's folder
    solution = Solution.objects.create(
        cluster=world.cluster,
        challenge=challenge,
        kind="enterprise",
        submitted_by=world.solver_owner,
        title="Legacy",
        body="…",
        documents=[
            {"name": "method.pdf", "size": len(PDF), "content_type": "application/pdf", "reference": old},
            {"name": "notes.txt", "size": 11, "content_type": "text/plain", "reference": notes},
            recorded_by_the_api,
            {"name": "theirs.pdf", "content_type": "application/pdf", "reference": elsewhere},
        ],
    )
    migration.forwards(global_apps, None)
    solution.refresh_from_db()
    assert [entry["name"] for entry in solution.documents] == ["spec.pdf", "theirs.pdf"]
    moved = {d.name: d for d in solution.files.all()}
    assert set(moved) == {"method.pdf", "notes.txt"}
    assert moved["method.pdf"].content_type == "application/pdf"
    assert moved["method.pdf"].sha256 == hashlib.sha256(PDF).hexdigest()
    assert moved["notes.txt"].content_type == "application/octet-stream"  # served as an attachment, never sniffed
    assert not default_storage.exists(old) and not default_storage.exists(notes) and default_storage.exists(elsewhere)
    assert sorted(stored_files()) == sorted(d.storage_key for d in moved.values())
    link = open_link(world, challenge, moved["method.pdf"], world.seeker_owner)
    assert b"".join(browser(world.seeker_owner).get(link).streaming_content) == PDF
    migration.forwards(global_apps, None)  # a rerun moves nothing twice
    assert solution.files.count() == 2


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_through_the_api_an_author_adds_a_document_and_a_reader_gets_a_signed_link(world, challenge, kept):
    solution = kept.solution
    base = world.url(f"challenges/{challenge.pk}/solutions/{solution.pk}/")
    solver = api(world.solver_owner)
    added = solver.post(base + "files/", {"document": SimpleUploadedFile("results.pdf", PDF)}, format="multipart")
    assert added.status_code == 201, added.content
    files = {f["name"]: f for f in added.json()["files"]}
    assert set(files) == {"method.pdf", "results.pdf"} and files["results.pdf"]["sha256"] == kept.sha256
    assert added.json()["revision"] == 2
    refused = solver.post(
        base + "files/", {"document": SimpleUploadedFile("x.pdf", b"MZ not a pdf")}, format="multipart"
    )
    assert refused.status_code == 400 and "document" in refused.json()["errors"], refused.content
    RuleVersionFactory(cluster=world.cluster, changes={"innovation.max_document_mb": 1})
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * MB)
    too_big = solver.post(base + "files/", {"document": big}, format="multipart")
    assert too_big.status_code == 400 and "document" in too_big.json()["errors"], too_big.content
    assert SolutionDocument.objects.count() == 2
    # the seeker gets a link of its own, that serves the file to the seeker alone
    answer = api(world.seeker_owner).get(base + f"files/{kept.pk}/link/")
    assert answer.status_code == 200 and answer.json()["expires_in"] == storage.LINK_SECONDS
    assert b"".join(browser(world.seeker_owner).get(answer.json()["url"]).streaming_content) == PDF
    assert browser(world.solver_owner).get(answer.json()["url"]).status_code == 404
    for outsider in (world.rival_owner, world.foreign_owner):
        assert api(outsider).get(base + f"files/{kept.pk}/link/").status_code == 404
        sent = api(outsider).post(base + "files/", {"document": SimpleUploadedFile("y.pdf", PDF)}, format="multipart")
        assert sent.status_code == 404
    assert SolutionDocument.objects.count() == 2


def test_through_the_api_an_upload_over_the_ceiling_is_refused_as_too_large_on_the_field(world, challenge, kept):
    base = world.url(f"challenges/{challenge.pk}/solutions/{kept.solution_id}/")
    with mock.patch("apps.dealroom.rules.UPLOAD_CEILING_BYTES", 1024):
        answer = api(world.solver_owner).post(
            base + "files/", {"document": SimpleUploadedFile("big.pdf", PDF + b"0" * 4096)}, format="multipart"
        )
    assert answer.status_code == 400 and "document" in answer.json()["errors"], answer.content
    assert "MB" in str(answer.json()["errors"]["document"]), answer.content  # said too large, not "no file"
    assert SolutionDocument.objects.count() == 1


def test_a_solution_holds_at_most_twenty_documents_files_and_metadata_together(world, challenge, kept):
    Solution.objects.filter(pk=kept.solution_id).update(
        documents=[{"name": f"note-{i}.pdf", "content_type": "application/pdf"} for i in range(19)]
    )
    base = world.url(f"challenges/{challenge.pk}/solutions/{kept.solution_id}/")
    answer = api(world.solver_owner).post(
        base + "files/", {"document": SimpleUploadedFile("one-more.pdf", PDF)}, format="multipart"
    )
    assert answer.status_code == 400 and "20" in str(answer.json()["errors"]["document"]), answer.content
    assert SolutionDocument.objects.count() == 1 and len(stored_files()) == 1
    assert Solution.objects.get(pk=kept.solution_id).revision == 1  # the refused revision wrote nothing


def test_a_revision_of_the_descriptions_counts_the_stored_files_too(world, challenge, kept):
    """The cap holds on both roads: a PATCH of ``documents`` beside one stored file."""
    base = world.url(f"challenges/{challenge.pk}/solutions/{kept.solution_id}/")
    notes = [{"name": f"note-{i}.pdf", "content_type": "application/pdf"} for i in range(20)]
    answer = api(world.solver_owner).patch(base, {"documents": notes}, format="json")
    assert answer.status_code == 400 and "documents" in answer.json()["errors"], answer.content
    solution = Solution.objects.get(pk=kept.solution_id)
    assert (solution.revision, solution.documents) == (1, [])  # the refused revision wrote nothing
    answer = api(world.solver_owner).patch(base, {"documents": notes[:19]}, format="json")
    assert answer.status_code == 200, answer.content
    assert len(Solution.objects.get(pk=kept.solution_id).documents) == 19
