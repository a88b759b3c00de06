"""The daily digest names an unassigned case to every caseworker, but not a restricted one:
that is for supervisors until someone is assigned (need to know)."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from activities.digest import DigestActivities
from models.digest import DigestInput
from models.enums import Stage
from models.users import User
from tests.activities.test_notifications import set_emails
from tests.factories import insert_case


def test_an_unassigned_restricted_case_is_in_no_caseworkers_digest(
    engine: Engine, users: dict[str, User],
) -> None:
    set_emails(engine, {"caseworker": "anna@iom.test", "caseworker2": "janis@iom.test"})
    awaiting = {"stage": Stage.TRAVEL_DOCUMENTS, "awaiting_caseworker": True,
                "awaiting": "decision on the embassy's refusal"}
    shown = insert_case(engine, **awaiting)
    hidden = insert_case(engine, restricted=True, **awaiting)
    mine = insert_case(engine, restricted=True, assignee_id="caseworker", **awaiting)
    mails = DigestActivities(engine).prepare_digests(DigestInput(stalled_after_days=30)).mails
    body = {m.to[0]: m.body for m in mails}
    assert shown.reference in body["janis@iom.test"] and shown.reference in body["anna@iom.test"]
    assert hidden.reference not in body["janis@iom.test"] + body["anna@iom.test"]
    assert mine.reference in body["anna@iom.test"]
    assert mine.reference not in body["janis@iom.test"]
