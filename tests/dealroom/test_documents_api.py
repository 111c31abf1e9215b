"""Documents through the API: checked by content, sized by the rulebook before anything is
stored, recorded with their checksum, served only to the parties through short-lived links."""

import hashlib
from unittest import mock

import pytest
from django.core import signing
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from apps.dealroom import storage as document_storage
from apps.dealroom.models import Document
from apps.membership.models import EnterpriseMember
from tests.factories.governance import RuleVersionFactory

from .conftest import JPEG, PDF, PNG, xlsx

pytestmark = pytest.mark.django_db


def upload(client, market, deal, data: bytes, name: str, kind="inspection_report", **extra):
    return client.post(
        market.url(f"deals/{deal.pk}/documents/"),
        {"file": SimpleUploadedFile(name, data), "kind": kind, **extra},
        format="multipart",
    )


def signed_in(user) -> Client:
    """A browser's session (the download is a page, behind the session's login)."""
    client = Client()
    client.force_login(user)
    return client


def stored_names() -> list[str]:
    """Every file in the documents storage (InMemoryStorage in tests; walks its folders)."""
    store, found, folders = storages["documents"], [], [""]
    while folders:
        folder = folders.pop()
        subfolders, files = store.listdir(folder)
        folders += [f"{folder}{name}/" for name in subfolders]
        found += [f"{folder}{name}" for name in files]
    return found


def test_an_upload_is_recorded_with_its_checksum_and_stored(as_user, market, deal):
    response = upload(as_user(market.supplier_owner), market, deal, PDF, "inspection.pdf")
    assert response.status_code == 201, response.content
    body = response.json()
    document = Document.objects.get(pk=body["id"])
    assert (body["sha256"], body["size"], body["content_type"]) == (
        hashlib.sha256(PDF).hexdigest(),
        len(PDF),
        "application/pdf",
    )
    assert (document.match_id, document.deal_id, document.enterprise_id) == (deal.match_id, deal.pk, market.supplier.pk)
    assert document.uploaded_by == market.supplier_owner
    assert stored_names() == [document.storage_key]
    assert "inspection" not in document.storage_key  # the uploader's name never reaches the storage
    # the match's room holds the same document, for both sides
    listed = as_user(market.buyer_owner).get(market.url(f"matches/{deal.match_id}/documents/")).json()
    assert [row["id"] for row in listed["results"]] == [document.pk]


@pytest.mark.parametrize(
    ("data", "name", "kind", "code"),
    [
        (b"just some text, not a PDF at all", "report.pdf", "inspection_report", "content_type"),
        (PDF, "photo.png", "photo", "content_type"),  # a photo is an image, whatever its name says
        (PDF, "report.png", "inspection_report", "extension"),  # content PDF, name PNG
        (PNG, "drawing.pdf", "drawing", "extension"),
        (b"MZ\x90\x00 an executable", "setup.pdf", "specification", "content_type"),
    ],
)
def test_a_file_whose_content_does_not_match_is_refused(as_user, market, deal, data, name, kind, code):
    response = upload(as_user(market.supplier_owner), market, deal, data, name, kind=kind)
    assert response.status_code == 400, response.content
    assert (response.json()["code"], list(response.json()["errors"])) == (code, ["file"])
    assert not Document.objects.exists()
    assert stored_names() == []


def test_accepted_types_per_kind(as_user, market, deal):
    client = as_user(market.buyer_owner)
    for data, name, kind in (
        (JPEG, "roll.jpg", "photo"),
        (xlsx(), "spec.xlsx", "specification"),
        (PNG, "a.png", "drawing"),
    ):
        assert upload(client, market, deal, data, name, kind=kind).status_code == 201, (name, kind)
    assert Document.objects.count() == 3


def test_over_the_limit_is_refused_before_it_is_stored(as_user, market, deal):
    RuleVersionFactory(cluster=market.cluster, changes={"dealroom.max_document_mb": 1})
    big = PDF + b"0" * (1024 * 1024)
    with mock.patch.object(document_storage, "store", wraps=document_storage.store) as store:
        response = upload(as_user(market.supplier_owner), market, deal, big, "big.pdf")
    assert response.status_code == 400
    assert (response.json()["code"], list(response.json()["errors"])) == ("too_large", ["file"])
    store.assert_not_called()
    assert stored_names() == [] and not Document.objects.exists()
    assert upload(as_user(market.supplier_owner), market, deal, PDF, "small.pdf").status_code == 201


def test_a_declared_length_over_the_limit_is_refused_unread(as_user, market, deal):
    RuleVersionFactory(cluster=market.cluster, changes={"dealroom.max_document_mb": 1})
    client = as_user(market.supplier_owner)
    response = client.generic(
        "POST",
        market.url(f"deals/{deal.pk}/documents/"),
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(3 * 1024 * 1024),
    )
    assert response.status_code == 400 and response.json()["code"] == "too_large"


def test_the_upload_handler_stops_reading_past_the_ceiling(as_user, market, deal):
    """Django's first upload handler stops a file past the ceiling while the body is read."""
    with mock.patch("apps.dealroom.rules.UPLOAD_CEILING_BYTES", 4096):
        response = upload(as_user(market.supplier_owner), market, deal, PDF + b"0" * 10_000, "big.pdf")
    assert response.status_code == 400
    assert (response.json()["code"], list(response.json()["errors"])) == ("too_large", ["file"])
    assert stored_names() == [] and not Document.objects.exists()


def test_bad_fields_are_named(as_user, market, deal):
    client = as_user(market.supplier_owner)
    assert list(upload(client, market, deal, PDF, "a.pdf", kind="x").json()["errors"]) == ["kind"]
    assert list(upload(client, market, deal, PDF, "a.pdf", milestone="closed").json()["errors"]) == ["milestone"]
    response = client.post(market.url(f"deals/{deal.pk}/documents/"), {"kind": "photo"}, format="multipart")
    assert list(response.json()["errors"]) == ["file"]
    response = client.post(market.url(f"deals/{deal.pk}/documents/"), {"kind": "photo"}, format="json")
    assert response.status_code == 415
    assert stored_names() == []


def test_a_failing_store_leaves_no_row_and_a_failing_row_no_file(as_user, market, deal):
    client = as_user(market.supplier_owner)
    with mock.patch.object(storages["documents"], "save", side_effect=OSError("disk full")):
        response = upload(client, market, deal, PDF, "a.pdf")
    assert response.status_code == 503 and list(response.json()["errors"]) == ["file"]
    assert not Document.objects.exists()
    first = Document.objects.get(pk=upload(client, market, deal, PDF, "a.pdf").json()["id"])
    clash = mock.patch.object(document_storage, "new_key", return_value=first.storage_key)  # the row's key is unique
    with clash, pytest.raises(Exception):  # noqa: B017 -- an IntegrityError, whichever database
        upload(client, market, deal, PDF, "b.pdf")
    assert stored_names() == [first.storage_key]
    assert Document.objects.count() == 1


def test_third_parties_get_nothing(as_user, market, deal):
    document_id = upload(as_user(market.supplier_owner), market, deal, PDF, "a.pdf").json()["id"]
    link = as_user(market.supplier_owner).get(market.url(f"documents/{document_id}/link/")).json()["url"]
    for user in (market.rival_owner, market.foreign_owner, market.outsider_admin):
        client = as_user(user)
        expected = {404} if user == market.rival_owner else {403, 404}
        assert client.get(market.url(f"documents/{document_id}/")).status_code == 404
        assert client.get(market.url(f"documents/{document_id}/link/")).status_code == 404
        assert client.get(market.url(f"deals/{deal.pk}/documents/")).status_code in expected
        assert client.get(market.url(f"matches/{deal.match_id}/documents/")).json().get("count", 0) == 0
        assert upload(client, market, deal, PDF, "x.pdf").status_code in expected
        assert signed_in(user).get(link).status_code == 404  # the link is signed for its reader alone
    # the cluster's administrator: not a party, and no dispute is open
    assert as_user(market.admin).get(market.url(f"documents/{document_id}/")).status_code == 404
    assert Document.objects.count() == 1


def test_a_signed_link_serves_the_file_to_its_reader_until_it_expires(as_user, market, deal):
    supplier = as_user(market.supplier_owner)
    document_id = upload(supplier, market, deal, PDF, "inspection.pdf").json()["id"]
    answer = as_user(market.buyer_owner).get(market.url(f"documents/{document_id}/link/")).json()
    assert answer["expires_in"] == 300
    buyer = signed_in(market.buyer_owner)
    response = buyer.get(answer["url"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"] and "no-store" in response["Cache-Control"]
    assert signed_in(market.supplier_owner).get(answer["url"]).status_code == 404  # the buyer's, not the supplier's
    # the link's own signing time (not the clock after it: a loaded machine may be seconds later)
    now = signing.b62_decode(answer["url"].rstrip("/").rsplit("/", 1)[1].split(":")[1])
    with mock.patch("django.core.signing.time.time", return_value=now + 299):
        assert buyer.get(answer["url"]).status_code == 200
    with mock.patch("django.core.signing.time.time", return_value=now + 301):
        assert buyer.get(answer["url"]).status_code == 404
    assert buyer.get(answer["url"].replace("/download/", "/download/x")).status_code == 404  # forged


def test_a_link_checks_the_reader_is_still_a_party(as_user, market, deal):
    document_id = upload(as_user(market.supplier_owner), market, deal, PDF, "a.pdf").json()["id"]
    url = as_user(market.buyer_owner).get(market.url(f"documents/{document_id}/link/")).json()["url"]
    buyer = signed_in(market.buyer_owner)
    assert buyer.get(url).status_code == 200
    EnterpriseMember.objects.filter(user=market.buyer_owner, enterprise=market.buyer).delete()
    assert buyer.get(url).status_code in (403, 404)


def test_the_filesystem_storage(as_user, market, deal, tmp_path):
    documents = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}
    with override_settings(STORAGES={**_storages(), "documents": documents}):
        supplier = as_user(market.supplier_owner)
        document = Document.objects.get(pk=upload(supplier, market, deal, PDF, "a.pdf").json()["id"])
        assert (tmp_path / document.storage_key).read_bytes() == PDF
        url = supplier.get(market.url(f"documents/{document.pk}/link/")).json()["url"]
        response = signed_in(market.supplier_owner).get(url)
        assert b"".join(response.streaming_content) == PDF


def _storages() -> dict:
    from django.conf import settings

    return dict(settings.STORAGES)


def test_the_s3_storage_through_moto(as_user, market, deal):
    boto3 = pytest.importorskip("boto3")
    moto = pytest.importorskip("moto")
    documents = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "cp-documents",
            "region_name": "us-east-1",
            "access_key": "test",
            "secret_key": "test",
            "default_acl": None,
            "signature_version": "s3v4",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    with moto.mock_aws(), override_settings(STORAGES={**_storages(), "documents": documents}):
        s3 = boto3.client("s3", region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
        s3.create_bucket(Bucket="cp-documents")
        supplier = as_user(market.supplier_owner)
        response = upload(supplier, market, deal, PDF, "inspection.pdf")
        assert response.status_code == 201, response.content
        document = Document.objects.get(pk=response.json()["id"])
        assert s3.get_object(Bucket="cp-documents", Key=document.storage_key)["Body"].read() == PDF
        url = supplier.get(market.url(f"documents/{document.pk}/link/")).json()["url"]
        redirect = signed_in(market.supplier_owner).get(url)
        assert redirect.status_code == 302
        assert "X-Amz-Expires=60" in redirect["Location"] and "X-Amz-Signature=" in redirect["Location"]
        assert document.storage_key in redirect["Location"]
        assert signed_in(market.rival_owner).get(url).status_code == 404
        # browsers reach the bucket at another address (MinIO in docker-compose): signed for that host
        with override_settings(DOCUMENTS_S3_PUBLIC_ENDPOINT_URL="http://localhost:9000"):
            location = signed_in(market.supplier_owner).get(url)["Location"]
        assert location.startswith(f"http://localhost:9000/cp-documents/{document.storage_key}?")
        assert "X-Amz-Expires=60" in location


def test_the_room_lists_in_bounded_queries(as_user, market, deal):
    from tests.factories.dealroom import DisputeFactory, DocumentFactory
    from tests.queries import cold_queries

    buyer, admin = as_user(market.buyer_owner), as_user(market.admin)
    DocumentFactory(match=deal.match, deal=deal)
    DisputeFactory(deal=deal)
    counts = []
    for _round in range(2):
        with cold_queries() as documents:
            assert buyer.get(market.url(f"deals/{deal.pk}/documents/")).status_code == 200
        with cold_queries() as disputes:
            assert admin.get(market.url("disputes/?status=open")).status_code == 200
        counts.append((len(documents), len(disputes)))
        DocumentFactory.create_batch(10, match=deal.match, deal=deal)
    assert counts[0] == counts[1], counts
