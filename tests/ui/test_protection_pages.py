"""The break-glass page (a reference, then a reason; "no such case" for an unknown one), the
access panel's forms, and the service directory page (admins add, staff browse)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.enums import Relationship, Sex
from models.tables import HouseholdMember
from tests.factories import insert_case
from tests.ui.conftest import Browser, csrf_of


def restricted_case(engine: Engine, assignee: str = "caseworker") -> tuple[str, str]:
    case = insert_case(engine, assignee_id=assignee)
    with Session(engine) as session:
        session.add(HouseholdMember(
            id=str(uuid.uuid4()), case_id=case.id, relationship=Relationship.PRINCIPAL,
            given_name="Aziza", family_name="Yusupova", date_of_birth=date(2009, 3, 1),
            sex=Sex.FEMALE, nationality="UZ", vulnerabilities=["unaccompanied_minor"]))
        session.commit()
    return case.id, case.reference


async def test_break_glass_by_reference_asks_a_reason_and_opens_the_case(
    browser: Browser, engine: Engine,
) -> None:
    case_id, reference = restricted_case(engine)
    cw2 = await browser("caseworker2")
    assert (await cw2.get(f"/ui/cases/{case_id}")).status_code == 404
    page = await cw2.get("/ui/break-glass")
    token = csrf_of(page.text)
    unknown = await cw2.post("/ui/break-glass", data={"csrf_token": token,
                                                      "reference": "LV-1999-000001"})
    assert unknown.status_code == 404 and "No such case." in unknown.text
    asked = await cw2.post("/ui/break-glass", data={"csrf_token": token, "reference": reference})
    assert asked.status_code == 200 and f"Case {reference} is restricted" in asked.text
    short = await cw2.post("/ui/break-glass", data={"csrf_token": token, "reference": reference,
                                                    "reason": "hm"})
    assert short.status_code == 422
    assert (await cw2.get(f"/ui/cases/{case_id}")).status_code == 404
    opened = await cw2.post("/ui/break-glass", data={
        "csrf_token": token, "reference": reference, "reason": "child missing from the centre"})
    assert opened.status_code == 303 and opened.headers["location"].startswith(
        f"/ui/cases/{case_id}")
    shown = await cw2.get(f"/ui/cases/{case_id}")
    assert shown.status_code == 200
    assert "broke the glass" in shown.text and "child missing from the centre" in shown.text


async def test_a_supervisor_gives_and_removes_access_and_marks_sensitive_on_the_page(
    browser: Browser, engine: Engine,
) -> None:
    case_id, _ = restricted_case(engine)
    sup, cw2 = await browser("supervisor"), await browser("caseworker2")
    page = await sup.get(f"/ui/cases/{case_id}")
    assert 'data-testid="restricted-badge"' in page.text
    token = csrf_of(page.text)
    r = await sup.post(f"/ui/cases/{case_id}/access", data={
        "csrf_token": token, "user_id": "caseworker2", "reason": "second opinion"})
    assert r.status_code == 303
    seen = await cw2.get(f"/ui/cases/{case_id}")
    assert seen.status_code == 200 and "grant-form" not in seen.text  # sees who, cannot give
    assert "Jānis Caseworker" in seen.text and "second opinion" in seen.text
    r = await sup.post(f"/ui/cases/{case_id}/access/caseworker2/remove",
                       data={"csrf_token": token})
    assert r.status_code == 303
    assert (await cw2.get(f"/ui/cases/{case_id}")).status_code == 404

    open_case = insert_case(engine, assignee_id="caseworker")
    r = await sup.post(f"/ui/cases/{open_case.id}/sensitive", data={
        "csrf_token": token, "mark": "on", "reason": "journalist asking about the family"})
    assert r.status_code == 303
    assert (await cw2.get(f"/ui/cases/{open_case.id}")).status_code == 404


async def test_admins_keep_the_service_directory_and_staff_browse_it(browser: Browser) -> None:
    admin, cw = await browser("admin"), await browser("caseworker")
    page = await admin.get("/ui/services")
    token = csrf_of(page.text)
    bad = await admin.post("/ui/services", data={
        "csrf_token": token, "name": "Shelter Riga", "country": "LV", "kind": "shelter",
        "email": "nope"})
    assert bad.status_code == 422 and 'id="s-email" name="email" value="nope"' in bad.text
    good = await admin.post("/ui/services", data={
        "csrf_token": token, "name": "Shelter Riga", "country": "lv", "kind": "shelter",
        "email": "shelter@riga.example", "languages": "lv, ru"})
    assert good.status_code == 303
    listed = await cw.get("/ui/services?country=LV")
    assert listed.status_code == 200 and "Shelter Riga" in listed.text and "lv, ru" in listed.text
    assert "service-form" not in listed.text
    r = await cw.post("/ui/services", data={"csrf_token": csrf_of(listed.text), "name": "x"})
    assert r.status_code == 403
