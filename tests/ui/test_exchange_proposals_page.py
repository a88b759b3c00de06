"""The receiving staff's page of cases other installations propose before departure
(api/routes/ui_exchange_proposals.py): the proposed case with its travel, a decline refused
without a reason, then sent with one, and the answer queued for the sending installation; a
proposal the sender withdrew is shown withdrawn, with nothing to answer."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.settings import Settings
from models.exchange import ExchangeOutbox, MessageType, PartnerKind
from models.partners import Partner
from models.tables import Case
from tests.api.exchange_messages import SECRET, proposal_message, received, withdrawn_message
from tests.ui.conftest import Browser, csrf_of

TRAVEL = {"status": "booked", "flight": "BT 0701", "departure_date": "2026-12-20",
          "arrival_airport": "KUT", "arrival_time": "14:05", "escort": True}


async def test_staff_decline_a_proposed_case_with_a_reason_from_its_page(
    browser: Browser, engine: Engine, settings: Settings
) -> None:
    with Session(engine) as session:
        session.add(Partner(id="GE-homeward", organisation="GE", country="GE",
                            contact_email="x@ge.example", kind=PartnerKind.HOMEWARD,
                            webhook_url="http://127.0.0.1:9/exchange/v1/messages",
                            webhook_secret=SECRET))
        session.commit()
    for envelope in (proposal_message(MessageType.PROPOSED, 1),
                     proposal_message(MessageType.PRE_ARRIVAL, 2, kind="pre_arrival",
                                      reason="rebooked", travel=TRAVEL)):
        assert await received(engine, None, settings, envelope) == "applied"

    cw = await browser("caseworker")
    page = await cw.get("/ui/exchange/proposals")
    assert page.status_code == 200
    assert "BT 0701" in page.text and "waiting for your answer" in page.text
    assert "rebooked" in page.text and 'href="/ui/exchange/proposals"' in page.text
    assert "Nino" not in page.text  # names only on the case's own (audited) page
    [action] = [a for a in page.text.split('action="')[1:] if a.startswith("/ui/exchange")]
    path = action.split('"')[0]
    # The case's own page says why it has no workflow yet (and the names are there).
    case_page = await cw.get(path.replace("/ui/exchange/proposals/", "/ui/cases/")
                             .removesuffix("/answer"))
    assert 'data-testid="proposed-case"' in case_page.text and "Nino" in case_page.text
    assert "The workflow cannot be reached" not in case_page.text
    r = await cw.post(path, data={"csrf_token": csrf_of(page.text), "accept": "false"})
    assert r.status_code == 422 and "Say why you decline the case." in r.text
    r = await cw.post(path, data={"csrf_token": csrf_of(r.text), "accept": "false",
                                  "reason": "no capacity in Kutaisi"})
    assert r.status_code == 303, r.text
    page = await cw.get(r.headers["location"])
    assert "The case is declined; the sending office is told." in page.text
    assert "Declined: no capacity in Kutaisi" in page.text and "<form method=\"post\" action=\"/ui/exchange" not in page.text
    with Session(engine) as session:
        [answered] = session.exec(select(ExchangeOutbox)).all()
    assert answered.type == MessageType.ANSWERED
    assert answered.envelope["body"] == {"accept": False, "reason": "no capacity in Kutaisi"}

    # Another case, proposed then withdrawn by the sender (its case closed before departure):
    # shown withdrawn, with nothing to answer; an answer sent from an older page is refused.
    for envelope in (proposal_message(MessageType.PROPOSED, 1),
                     withdrawn_message(2, reason="case_closed")):
        other = envelope.model_copy(update={"conversation_id": "remote-case-2",
                                            "message_id": envelope.message_id + "-2"})
        assert await received(engine, None, settings, other) == "applied"
    with Session(engine) as session:
        [withdrawn] = session.exec(select(Case).where(
            Case.external_ref == "GE-homeward:remote-case-2")).all()
    page = await cw.get("/ui/exchange/proposals")
    assert "withdrawn by the sending office" in page.text
    assert "The sending office closed the case before departure" in page.text
    assert f'action="/ui/exchange/proposals/{withdrawn.id}/answer"' not in page.text
    r = await cw.post(f"/ui/exchange/proposals/{withdrawn.id}/answer",
                      data={"csrf_token": csrf_of(page.text), "accept": "true"})
    assert r.status_code == 409
