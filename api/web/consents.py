"""What the case page's consent section shows (templates/_consents.html): each person's
consent per purpose, its history, the withdrawal notices sent, whether the travel documents
step is blocked by a refused embassy consent, and the unaccompanied minors' handovers.
Loaded from the template through a global, so the case page needs one include line only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from sqlmodel import Session, select

from api import consent, minors
from api.web.templating import templates
from models.consent import ConsentStatus, HandoverTo, Purpose
from models.documents import Document
from models.protection import PROTECTED_VULNERABILITIES
from models.tables import Case, HouseholdMember
from models.users import User

UNACCOMPANIED = PROTECTED_VULNERABILITIES[1]


def consents(request: Request, case: Case, user: User) -> dict[str, Any]:
    with Session(request.app.state.engine) as session:
        view = consent.view(session, case)
        members = consent.members_of(session, case.id)
        handovers = minors.handovers(session, case.id)
        documents = list(session.exec(select(Document).where(Document.case_id == case.id)).all())
    names = {m.id: f"{m.given_name} {m.family_name}" for m in members}
    embassy_blocked = [names[f.member_id] for f in view.in_force
                       if f.purposes[Purpose.EMBASSY] in (ConsentStatus.REFUSED,
                                                          ConsentStatus.WITHDRAWN)]
    minors_here: list[HouseholdMember] = [m for m in members if UNACCOMPANIED in m.vulnerabilities]
    handed = {h.member_id for h in handovers}
    return {
        "view": view, "names": names, "purposes": list(Purpose),
        "labels": consent.PURPOSE_LABELS, "statuses": list(ConsentStatus),
        "documents": documents, "embassy_blocked": embassy_blocked,
        "minors": minors_here, "handovers": handovers,
        "awaiting_handover": [m for m in minors_here if m.id not in handed],
        "handover_kinds": list(HandoverTo), "today": datetime.now(UTC).date(),
    }


templates.env.globals["consents"] = consents
