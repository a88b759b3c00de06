"""The case page's people forms without a browser: a correction with its reason (only what
the form changed), errors beside the field, a member joining and leaving (struck through), and
the later-finding form offered per member."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.tables import HouseholdMember
from tests.ui.conftest import Browser, csrf_of
from tests.ui.new_case import open_case


def principal(engine: Engine, case: str) -> HouseholdMember:
    with Session(engine) as session:
        return session.exec(select(HouseholdMember).where(
            HouseholdMember.case_id == case.rsplit("/", 1)[1])).one()


async def test_people_forms_on_the_case_page(browser: Browser, engine: Engine) -> None:
    cw = await browser("caseworker")
    case = await open_case(cw, **{"principal-family_name": "Bredize"})
    page = await cw.get(case)
    token = csrf_of(page.text)
    assert "No corrections or changes to the household since intake." in page.text
    assert 'data-action="finding"' in page.text  # one later-finding form per member
    m = principal(engine, case)
    shown = {"csrf_token": token, "given_name": m.given_name, "family_name": "Beridze",
             "date_of_birth": str(m.date_of_birth), "sex": m.sex.value,
             "nationality": m.nationality, "passport_number": "", "passport_valid_until": ""}

    r = await cw.post(f"{case}/people/{m.id}", data=shown)  # no reason
    assert r.status_code == 422 and "Reason for the correction" in r.text
    assert 'id="reason-error"' in r.text
    r = await cw.post(f"{case}/people/{m.id}", data=shown | {"nationality": "Georgia",
                                                           "reason": "typo"})
    assert r.status_code == 422 and "two-letter country code" in r.text
    r = await cw.post(f"{case}/people/{m.id}", data=shown | {"reason": "passport spelling"})
    assert r.status_code == 303 and r.headers["location"].endswith("#changes")
    html = (await cw.get(case)).text
    changes = html[html.index('id="changes-h"'):html.index('id="notes-h"')]
    assert "Bredize" in changes and "Beridze" in changes and "passport spelling" in changes
    assert "Anna Caseworker" in changes and "family name" in changes
    assert "given name" not in changes  # only what the form changed

    r = await cw.post(f"{case}/people", data={
        "csrf_token": token, "idempotency_key": "join-1", "relationship": "child",
        "given_name": "Mariam", "family_name": "Beridze", "date_of_birth": "2018-05-05",
        "sex": "female", "nationality": "GE", "reason": "arrived from Tbilisi"})
    assert r.status_code == 303, r.text
    with Session(engine) as session:
        child = session.exec(select(HouseholdMember).where(
            HouseholdMember.given_name == "Mariam")).one()
    r = await cw.post(f"{case}/people/{child.id}/removal",
                      data={"csrf_token": token, "reason": "stays with her grandmother"})
    assert r.status_code == 303, r.text
    html = (await cw.get(case)).text
    assert '<s>Mariam Beridze</s>' in html and "left: stays with her grandmother" in html
    assert "member joined" in html and "member left" in html
