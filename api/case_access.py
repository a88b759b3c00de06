"""Giving and removing access to a restricted case, marking it sensitive, and breaking the
glass (access taken with a reason, for a while, that the supervisors are told about).

Every route here writes, so the audit trail records each call (who, case, outcome); the
grant rows keep the reasons and, once removed or expired, who could see the case when.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import aiosmtplib
import structlog
from fastapi import HTTPException
from sqlmodel import Session, col, select

from activities.clients import smtp_from
from activities.notifications import active_users
from activities.timeline import insert_ignoring_duplicates
from api.need_to_know import SEES_EVERY_CASE, active_grant, grants_of, may_see, rederive
from core.db import saved
from core.settings import NotificationsMode, Settings
from models.enums import Role
from models.external import Mail
from models.people import Actor
from models.protection import CaseAccess
from models.schemas_protection import CaseAccessPublic, GrantPublic
from models.tables import Case
from models.timeline import Notification
from models.users import User

log = structlog.get_logger(__name__)


def access_view(session: Session, case: Case, now: datetime) -> CaseAccessPublic:
    grants = grants_of(session, case.id, now)
    names = {u.id: u.full_name for u in session.exec(
        select(User).where(col(User.id).in_([g.user_id for g in grants]))
    ).all()}
    return CaseAccessPublic(
        case_id=case.id, restricted=case.restricted, sensitive_reason=case.sensitive_reason,
        assignee_id=case.assignee_id,
        grants=[GrantPublic(user_id=g.user_id, full_name=names.get(g.user_id, g.user_id),
                            granted_by=g.granted_by, reason=g.reason, break_glass=g.break_glass,
                            granted_at=g.granted_at, expires_at=g.expires_at)
                for g in grants],
    )


def give(session: Session, case: Case, user_id: str, by: Actor, reason: str | None,
         now: datetime) -> CaseAccess:
    if not case.restricted:
        raise HTTPException(409, "the case is not restricted: everyone on the staff sees it")
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise HTTPException(422, [{"loc": ["path", "user_id"], "type": "value_error",
                                   "msg": f"no active user {user_id}"}])
    existing = session.exec(select(CaseAccess).where(CaseAccess.case_id == case.id)
                            .where(active_grant(user_id, now))).first()
    if existing is not None and not existing.break_glass:
        return existing
    grant = CaseAccess(id=str(uuid.uuid4()), case_id=case.id, user_id=user_id,
                       granted_by=by.id, reason=reason, granted_at=now)
    session.add(grant)
    session.commit()
    log.info("case access given", user=user_id, by=by.id)
    return grant


def remove(session: Session, case: Case, user_id: str, by: Actor, now: datetime) -> int:
    grants = session.exec(select(CaseAccess).where(CaseAccess.case_id == case.id)
                          .where(active_grant(user_id, now))).all()
    if not grants:
        raise HTTPException(404, f"user {user_id} has no access to this case to remove")
    for grant in grants:
        grant.revoked_at, grant.revoked_by = now, by.id
        session.add(grant)
    session.commit()
    log.info("case access removed", user=user_id, by=by.id)
    return len(grants)


def mark_sensitive(session: Session, case: Case, reason: str | None) -> Case:
    """Mark (a reason) or unmark (None) the case sensitive; the restriction follows."""
    fresh = session.get(Case, case.id)
    assert fresh is not None
    fresh.sensitive_reason = reason
    rederive(session, fresh)
    return saved(session, fresh)


async def break_glass(
    session: Session, settings: Settings, case: Case, actor: Actor, reason: str, now: datetime
) -> CaseAccess:
    """Access to a restricted case for ``settings.break_glass_hours``, told to supervisors."""
    if not case.restricted or actor.role in SEES_EVERY_CASE or may_see(session, case, actor):
        raise HTTPException(409, "you can already open this case: no need to break the glass")
    grant = CaseAccess(
        id=str(uuid.uuid4()), case_id=case.id, user_id=actor.id, granted_by=actor.id,
        reason=reason, break_glass=True, granted_at=now,
        expires_at=now + timedelta(hours=settings.break_glass_hours),
    )
    session.add(grant)
    session.commit()
    user = session.get(User, actor.id)
    who = user.full_name if user else actor.id
    session.close()
    subject = f"Break glass: {who} opened restricted case {case.reference}"
    body = (f"{who} ({actor.role}) opened the restricted case {case.reference} at "
            f"{now:%Y-%m-%d %H:%M} UTC, for {settings.break_glass_hours:g} hours.\n"
            f"Reason given: {reason}\n\nRemove the access on the case page if it is not needed.")
    await tell_supervisors(session.get_bind(), settings, case.id, f"break-glass:{grant.id}",
                           subject, body)
    log.warning("break glass", user=actor.id, case=case.reference)
    return grant


async def tell_supervisors(engine: object, settings: Settings, case_id: str, key: str,
                           subject: str, body: str) -> None:
    """In-app to every active supervisor, and e-mail to those with an address (SMTP when
    configured, as reminders are; the simulator's mail is only logged here)."""
    supervisors = active_users(engine, Role.SUPERVISOR)  # type: ignore[arg-type]
    insert_ignoring_duplicates(engine, Notification, [  # type: ignore[arg-type]
        {"user_id": u.id, "case_id": case_id, "reminder_key": key[:80], "subject": subject,
         "body": body} for u in supervisors
    ], ["reminder_key", "user_id"])
    to = [u.email for u in supervisors if u.email]
    if not to or settings.notifications != NotificationsMode.SMTP:
        log.info("supervisors told in the app", mailed=0)
        return
    try:
        await smtp_from(settings).send(Mail(to=to, subject=subject, body=body, case_id=case_id,
                                            recipient_role=Role.SUPERVISOR))
    except (OSError, aiosmtplib.SMTPException) as err:  # the access and in-app notice stand
        log.warning("supervisors' e-mail failed", error=str(err))
