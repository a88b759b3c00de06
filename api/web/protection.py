"""What the case page's protection section shows (templates/_protection.html): whether the
case is restricted and who may see it, the referrals and the consents behind them. Loaded
from the template through a global, so the case page needs one include line only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import Request
from sqlmodel import Session, col, select

from api import referrals
from api.case_access import access_view
from api.routes.services import list_services
from api.web.templating import templates
from core.settings import Settings
from models.documents import Document
from models.enums import Role
from models.protection import Referral, ReferralOutcome, ServiceKind, ServiceProvider
from models.tables import Case
from models.users import User


def protection(request: Request, case: Case, user: User) -> dict[str, Any]:
    settings = request.app.state.settings
    now = datetime.now(UTC)
    with Session(request.app.state.engine) as session:
        fresh = session.get(Case, case.id) or case
        access = access_view(session, fresh, now)
        grantable: list[User] = []
        if user.role == Role.SUPERVISOR:
            have = {g.user_id for g in access.grants} | {fresh.assignee_id}
            grantable = [u for u in session.exec(
                select(User).where(col(User.is_active))
                .where(col(User.role).in_([Role.CASEWORKER, Role.AUDITOR]))
                .order_by(col(User.full_name))
            ).all() if u.id not in have]
        found = referrals.view(session, fresh, settings, now)
        documents = list(session.exec(
            select(Document).where(Document.case_id == case.id)
        ).all())
        services = list_services(session, active_only=True)
    return {
        "access": access, "grantable": grantable, "referrals": found.data,
        "consents": found.consents, "documents": documents, "services": services,
        "outcomes": list(ReferralOutcome), "kinds": list(ServiceKind),
        "today": now.date(),
    }


def referrals_due(session: Session, user: User, today: date, settings: Settings) -> Any:
    """The caseworker's task: referrals of their cases with no outcome after the set days."""
    if user.role != Role.CASEWORKER:
        return None
    due = datetime.now(UTC) - timedelta(days=settings.referral_outcome_days)
    rows = session.exec(
        select(Referral, Case.reference, ServiceProvider.name)
        .join(Case, col(Case.id) == col(Referral.case_id))
        .join(ServiceProvider, col(ServiceProvider.id) == col(Referral.provider_id))
        .where(Case.assignee_id == user.id).where(col(Referral.outcome).is_(None))
        .where(col(Referral.sent_at) < due).order_by(col(Referral.sent_at)).limit(20)
    ).all()
    return [{"referral": r, "reference": ref, "provider": name} for r, ref, name in rows]


templates.env.globals["protection"] = protection
