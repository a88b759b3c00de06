"""Documents in a case's life through the API: a project's policy requires the signed
declaration before consent; a partner's delivery evidence; the subject access export."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session, update

from models.tables import Case
from tests.api.decision_cases import CHILD, SUPERVISOR, case_in_eligibility
from tests.factories import CASE_JSON, default_project_id
from tests.tokens import bearer

PDF = b"%PDF-1.4\n% a scanned, signed declaration\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ADMIN = bearer("admin")
CONSENT = {"declaration_signed_on": date.today().isoformat(), "share_with_authorities": True,
           "share_with_partner": True, "witnessed_by": "N. K."}
REASON = ("the signed declaration must be uploaded to the case before you record consent "
          "(document kind: declaration)")


async def require(api: httpx.AsyncClient, engine: Engine, rules: dict[str, Any]
                  ) -> httpx.Response:
    project_id = default_project_id(engine)
    project = (await api.get(f"/projects/{project_id}", headers=ADMIN)).json()
    policy = {"grant": {"currency": project["currency"]},
              "reintegration": {"currency": project["currency"]}, "required_documents": rules}
    return await api.patch(f"/projects/{project_id}", json={"policy": policy}, headers=ADMIN)


async def upload(api: httpx.AsyncClient, case_id: str, kind: str, content: bytes = PDF,
                 name: str = "declaration.pdf", **form: str) -> httpx.Response:
    return await api.post(f"/cases/{case_id}/documents", data={"kind": kind, **form},
                          files={"file": (name, content, "application/octet-stream")})


async def test_consent_waits_for_the_signed_declaration_the_project_requires(
    api: httpx.AsyncClient, engine: Engine
) -> None:
    r = await require(api, engine, {"record_consentt": ["declaration"]})
    assert r.status_code == 422 and "'record_consentt' is no decision" in r.text
    r = await require(api, engine, {"record_consent": ["declaration"]})
    assert r.status_code == 200, r.text
    assert r.json()["policy"]["required_documents"] == {"record_consent": ["declaration"]}

    case_id = await case_in_eligibility(api)
    await api.post(f"/cases/{case_id}/eligibility/assessment",
                   json={"eligible": True, "notes": "ok"})
    r = await api.post(f"/cases/{case_id}/eligibility/decision",
                       json={"approve": True, "reason": "ok"}, headers=SUPERVISOR)
    assert r.status_code == 200, r.text
    # Another kind is not the declaration.
    assert (await upload(api, case_id, "identity_document")).status_code == 201
    r = await api.post(f"/cases/{case_id}/consent", json=CONSENT)
    assert r.status_code == 409 and r.json()["detail"] == REASON
    assert (await api.get(f"/cases/{case_id}")).json()["live"]["stage"] == "consent"

    assert (await upload(api, case_id, "declaration")).status_code == 201
    r = await api.post(f"/cases/{case_id}/consent", json=CONSENT)
    assert r.status_code == 200, r.text
    assert r.json()["consent"]["declaration_signed_on"] == CONSENT["declaration_signed_on"]


async def test_a_partner_uploads_evidence_and_sees_no_other_kind_nor_other_cases(
    api: httpx.AsyncClient, engine: Engine
) -> None:
    ours = (await api.post("/cases", json=CASE_JSON)).json()["id"]
    theirs = (await api.post("/cases", json=CASE_JSON)).json()["id"]
    with Session(engine) as session:  # handed over (the workflow does this after departure)
        for case_id, org in ((ours, "GE-partner"), (theirs, "TH-partner")):
            session.execute(update(Case).where(Case.id == case_id).values(partner_id=org))  # type: ignore[arg-type]
        session.commit()
    identity = (await upload(api, ours, "identity_document", name="passport.pdf")).json()
    partner = bearer("partner")

    r = await api.post(f"/cases/{ours}/documents", headers=partner,
                       data={"kind": "partner_evidence", "component_id": "c1"},
                       files={"file": ("invoice.png", PNG)})
    assert r.status_code == 201, r.text
    evidence = r.json()
    assert (evidence["kind"], evidence["component_id"], evidence["created_by"]) == (
        "partner_evidence", "c1", "partner")
    listed = (await api.get(f"/cases/{ours}/documents", headers=partner)).json()
    assert [d["id"] for d in listed["data"]] == [evidence["id"]]  # no identity copy
    r = await api.get(f"/cases/{ours}/documents/{evidence['id']}", headers=partner)
    assert r.status_code == 200 and r.content == PNG
    r = await api.get(f"/cases/{ours}/documents/{identity['id']}", headers=partner)
    assert r.status_code == 404
    # Staff see both.
    assert (await api.get(f"/cases/{ours}/documents")).json()["count"] == 2
    # A partner adds evidence only, and nothing to another organisation's case.
    r = await api.post(f"/cases/{ours}/documents", headers=partner,
                       data={"kind": "identity_document"}, files={"file": ("id.pdf", PDF)})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "kind"]
    r = await api.post(f"/cases/{theirs}/documents", headers=partner,
                       data={"kind": "partner_evidence"}, files={"file": ("x.png", PNG)})
    assert r.status_code == 404
    assert (await api.get(f"/cases/{theirs}/documents", headers=partner)).status_code == 404


async def test_the_subject_access_export_lists_the_persons_documents(
    api: httpx.AsyncClient,
) -> None:
    case_id = (await api.post("/cases", json=CASE_JSON | {"dependants": [CHILD]})).json()["id"]
    household = (await api.get(f"/cases/{case_id}/household")).json()
    principal, child = sorted(household, key=lambda m: m["relationship"] != "principal")
    declaration = (await upload(api, case_id, "declaration")).json()
    passport = (await upload(api, case_id, "identity_document", name="passport Giorgi.pdf",
                             member_id=principal["id"])).json()
    await upload(api, case_id, "identity_document", name="passport Nino.pdf",
                 member_id=child["id"])
    r = await api.post(f"/cases/{case_id}/documents/{passport['id']}/versions",
                       files={"file": ("passport Giorgi (rescan).png", PNG)})
    assert r.status_code == 201

    export = (await api.get(f"/people/{principal['id']}/export", headers=ADMIN)).json()
    documents = {d["id"]: d for d in export["documents"]}
    assert list(documents) == [declaration["id"], passport["id"]]
    assert [(v["version"], v["filename"], v["uploaded_by"]) for v in
            documents[passport["id"]]["versions"]] == [
        (2, "passport Giorgi (rescan).png", "caseworker"), (1, "passport Giorgi.pdf", "caseworker")]
    assert all(v["uploaded_at"] and v["size"] for d in documents.values() for v in d["versions"])
    # The child's document is hers: counted, not listed; no content anywhere.
    assert export["other_members_documents"] == 1
    assert "passport Nino" not in str(export) and "content" not in documents[passport["id"]]
