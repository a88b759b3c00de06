"""A case's documents through the API: round trips on a directory and on a real S3 server,
encrypted at rest, key rotation, type from content, size limit, case scoping, audit."""

from __future__ import annotations

import base64
import io
import os
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api import document_service as service
from api.document_checks import Upload
from api.main import create_app
from core.filecrypt import MAGIC, key_id_of
from core.settings import Settings
from core.storage import build_store
from models.documents import Document, DocumentVersion
from models.enums import Relationship, Sex
from models.tables import HouseholdMember
from models.users import AuditEntry, User
from tests.factories import insert_case
from tests.seaweed import ACCESS_KEY, BUCKET, SECRET_KEY, SeaweedS3
from tests.tokens import bearer

PDF = b"%PDF-1.7\n" + os.urandom(200_000)  # over three encryption chunks
PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(5_000)
K1, K2 = (f"{i}:{base64.b64encode(os.urandom(32)).decode()}" for i in ("k1", "k2"))

Client = Callable[..., Any]


def configured(settings: Settings, storage: str = "local", s3: SeaweedS3 | None = None,
               **fields: Any) -> Settings:
    if storage == "s3":
        assert s3 is not None
        fields |= {
            "document_storage": "s3", "document_s3_endpoint_url": s3.endpoint,
            "document_s3_bucket": BUCKET, "document_s3_access_key_id": ACCESS_KEY,
            "document_s3_secret_access_key": SecretStr(SECRET_KEY),
        }
    return settings.model_copy(update=fields)


@asynccontextmanager
async def serve(settings: Settings, engine: Engine) -> AsyncIterator[httpx.AsyncClient]:
    """The API alone: documents need no Temporal, so none is started."""
    app = create_app(settings)
    app.state.engine = engine
    app.state.temporal = None
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://homeward.test",
        headers=bearer("caseworker"),
    ) as client:
        yield client


@pytest.fixture
async def api(settings: Settings, engine: Engine, users: dict[str, User]
              ) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(configured(settings, document_max_bytes=300_000), engine) as client:
        yield client


def household(engine: Engine) -> tuple[str, str]:
    """A new case with one member: (case id, member id)."""
    case_id, member_id = insert_case(engine).id, str(uuid.uuid4())
    member = HouseholdMember(
        id=member_id, case_id=case_id, relationship=Relationship.PRINCIPAL,
        given_name="Nino", family_name="Beridze", date_of_birth=date(1990, 4, 1),
        sex=Sex.FEMALE, nationality="GE",
    )
    with Session(engine) as session:
        session.add(member)
        session.commit()
    return case_id, member_id


async def upload(api: httpx.AsyncClient, case_id: str, content: bytes, name: str = "scan.pdf",
                 **form: str) -> httpx.Response:
    return await api.post(
        f"/cases/{case_id}/documents", data={"kind": "identity_document", **form},
        files={"file": (name, content, "application/octet-stream")},
    )


def stored(engine: Engine) -> list[DocumentVersion]:
    with Session(engine) as session:
        return list(session.exec(select(DocumentVersion)).all())


def files_at_rest(settings: Settings) -> list[Path]:
    assert settings.document_dir is not None
    return [p for p in settings.document_dir.rglob("*") if p.is_file()]


@pytest.mark.parametrize("storage", ["local", "s3"])
async def test_upload_list_download_replace(
    storage: str, settings: Settings, engine: Engine, users: dict[str, User],
    request: pytest.FixtureRequest,
) -> None:
    s3 = request.getfixturevalue("s3_server") if storage == "s3" else None
    settings = configured(settings, storage, s3)
    case_id, member_id = household(engine)
    async with serve(settings, engine) as api:
        r = await upload(api, case_id, PDF, "passport Nino.pdf", member_id=member_id,
                         step="fit_to_travel", payment_id="pay-1")
        assert r.status_code == 201, r.text
        doc = r.json()
        assert (doc["kind"], doc["member_id"], doc["step"], doc["current_version"]) == (
            "identity_document", member_id, "fit_to_travel", 1)
        assert doc["versions"][0]["content_type"] == "application/pdf"
        assert doc["versions"][0]["size"] == len(PDF)

        r = await api.get(f"/cases/{case_id}/documents/{doc['id']}")
        assert r.status_code == 200 and r.content == PDF
        assert r.headers["content-type"] == "application/pdf"
        assert "filename*=UTF-8''passport%20Nino.pdf" in r.headers["content-disposition"]

        r = await api.post(f"/cases/{case_id}/documents/{doc['id']}/versions",
                           files={"file": ("passport.png", PNG, "image/png")})
        assert r.status_code == 201, r.text
        assert r.json()["current_version"] == 2
        assert (await api.get(f"/cases/{case_id}/documents/{doc['id']}")).content == PNG
        old = await api.get(f"/cases/{case_id}/documents/{doc['id']}", params={"version": 1})
        assert old.content == PDF and old.headers["content-type"] == "application/pdf"

        listed = (await api.get(f"/cases/{case_id}/documents")).json()
        assert listed["count"] == 1
        versions = listed["data"][0]["versions"]
        assert [v["version"] for v in versions] == [2, 1]
        assert versions[0]["superseded_at"] is None and versions[1]["superseded_at"]

    # At rest: our header and ciphertext, never the plaintext.
    store = build_store(settings)
    for row in stored(engine):
        raw = b"".join(store.get(row.storage_key))
        assert raw.startswith(MAGIC) and key_id_of(raw) == row.key_id
        assert PDF[:4096] not in raw and PNG[8:4096] not in raw and len(raw) > row.size


async def test_a_file_stored_under_key_1_downloads_after_key_2_is_current(
    settings: Settings, engine: Engine, users: dict[str, User]
) -> None:
    case_id, _ = household(engine)
    async with serve(configured(settings, payload_keys=SecretStr(K1)), engine) as api:
        doc = (await upload(api, case_id, PDF)).json()
    rotated = configured(settings, payload_keys=SecretStr(f"{K1},{K2}"),
                         payload_active_key_id="k2")
    async with serve(rotated, engine) as api:
        assert (await api.get(f"/cases/{case_id}/documents/{doc['id']}")).content == PDF
        r = await api.post(f"/cases/{case_id}/documents/{doc['id']}/versions",
                           files={"file": ("v2.png", PNG)})
        assert r.status_code == 201
    assert sorted((v.version, v.key_id) for v in stored(engine)) == [(1, "k1"), (2, "k2")]
    # Key 1 removed from the ring: version 1 is unreadable, and says why.
    async with serve(configured(settings, payload_keys=SecretStr(K2)), engine) as api:
        r = await api.get(f"/cases/{case_id}/documents/{doc['id']}", params={"version": 1})
        assert r.status_code == 500 and "'k1', which is not configured" in r.text
        assert (await api.get(f"/cases/{case_id}/documents/{doc['id']}")).content == PNG


async def test_the_type_comes_from_the_content_not_the_name(
    api: httpx.AsyncClient, engine: Engine, settings: Settings
) -> None:
    case_id, _ = household(engine)
    r = await upload(api, case_id, PNG, "photo.pdf")
    assert r.status_code == 201 and r.json()["versions"][0]["content_type"] == "image/png"
    r = await upload(api, case_id, b"\xff\xd8\xff\xe0" + PNG[8:], "ticket.png")
    assert r.status_code == 201 and r.json()["versions"][0]["content_type"] == "image/jpeg"
    r = await upload(api, case_id, b"just some text, honest", "contract.pdf")
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "file"]
    assert "not a PDF, JPEG or PNG" in r.json()["detail"][0]["msg"]
    assert len(stored(engine)) == 2 and len(files_at_rest(settings)) == 2


async def test_bad_input_is_refused_with_its_field_and_stores_nothing(
    api: httpx.AsyncClient, engine: Engine, settings: Settings
) -> None:
    case_id, _ = household(engine)
    _, other_member = household(engine)
    refusals = {
        "kind": await upload(api, case_id, PDF, kind="birthday_card"),
        "member_id": await upload(api, case_id, PDF, member_id=other_member),
        "file": await upload(api, case_id, PDF + b"x" * 100_000),  # over 300,000 bytes
    }
    for field, r in refusals.items():
        assert r.status_code == 422, (field, r.text)
        assert r.json()["detail"][0]["loc"][-1] == field, r.text
    assert "is not a member of this case's household" in refusals["member_id"].text
    assert "the largest accepted is 300000 bytes" in refusals["file"].text
    # Far over the limit: refused from the declared length, before the body is read.
    r = await upload(api, case_id, PDF * 3)
    assert r.status_code == 422 and "larger than 300000 bytes" in r.text
    # Undeclared length (chunked): refused at the first byte over the limit.
    boundary = "b0undary"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nother\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="big.pdf"\r\n\r\n').encode()

    async def body() -> AsyncIterator[bytes]:
        yield head
        for _ in range(100):
            yield PDF[:10_000]

    r = await api.post(f"/cases/{case_id}/documents", content=body(),
                       headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 422 and "larger than 300000 bytes" in r.text
    assert stored(engine) == [] and files_at_rest(settings) == []

    # A refused replacement keeps the document as it was.
    doc = (await upload(api, case_id, PDF)).json()
    r = await api.post(f"/cases/{case_id}/documents/{doc['id']}/versions",
                       files={"file": ("big.pdf", PDF + b"x" * 100_000)})
    assert r.status_code == 422
    assert len(stored(engine)) == 1 and len(files_at_rest(settings)) == 1
    assert (await api.get(f"/cases/{case_id}/documents/{doc['id']}")).content == PDF


async def test_a_document_of_another_case_is_not_found(
    api: httpx.AsyncClient, engine: Engine
) -> None:
    case_a, _ = household(engine)
    case_b, _ = household(engine)
    doc = (await upload(api, case_a, PDF)).json()
    under_b = f"/cases/{case_b}/documents/{doc['id']}"
    assert (await api.get(under_b)).status_code == 404
    assert (await api.get(under_b, params={"version": 1})).status_code == 404
    r = await api.post(f"{under_b}/versions", files={"file": ("x.png", PNG)})
    assert r.status_code == 404
    assert (await api.get(f"/cases/{case_b}/documents")).json()["count"] == 0
    assert (await api.get(f"/cases/{case_a}/documents/{doc['id']}",
                          params={"version": 2})).status_code == 404
    # Auditors see no documents at all; a partner no case not handed over to it.
    r = await api.get(f"/cases/{case_a}/documents/{doc['id']}", headers=bearer("auditor"))
    assert r.status_code == 403
    r = await api.get(f"/cases/{case_a}/documents/{doc['id']}", headers=bearer("partner"))
    assert r.status_code == 404


async def test_a_download_is_audited_as_a_read_of_personal_data(
    api: httpx.AsyncClient, engine: Engine
) -> None:
    case_id, _ = household(engine)
    doc = (await upload(api, case_id, PDF)).json()
    r = await api.get(f"/cases/{case_id}/documents/{doc['id']}",
                      headers={**bearer("supervisor"), "X-Request-ID": "download-1"})
    assert r.status_code == 200
    with Session(engine) as session:
        entry = session.exec(
            select(AuditEntry).where(AuditEntry.request_id == "download-1")
        ).one()
    assert (entry.action, entry.case_id, entry.actor_id, entry.outcome) == (
        "GET /cases/{case_id}/documents/{document_id}", case_id, "supervisor", "success")
    with Session(engine) as session:
        assert session.get(Document, doc["id"]) is not None


async def test_a_replacement_that_lost_a_race_keeps_nothing(
    api: httpx.AsyncClient, engine: Engine, settings: Settings
) -> None:
    case_id, _ = household(engine)
    doc = (await upload(api, case_id, PDF)).json()
    with Session(engine, expire_on_commit=False) as session:
        stale = session.get(Document, doc["id"])
    assert stale is not None
    r = await api.post(f"/cases/{case_id}/documents/{doc['id']}/versions",
                       files={"file": ("v2.png", PNG)})
    assert r.status_code == 201
    # A second replacement read the document before the first one committed: it loses.
    vault = service.build_vault(settings)
    with Session(engine) as session, pytest.raises(service.DocumentConflict):
        service.add_version(session, vault, stale, "caseworker2",
                            Upload(io.BytesIO(PNG), "v2b.png", len(PNG)), 10**6)
    assert sorted(v.version for v in stored(engine)) == [1, 2]
    assert len(files_at_rest(settings)) == 2
