"""Need to know: a restricted case exists only for its assignee, supervisors, the users
given access (or who broke the glass, for a while), and the partner it was handed over to.

One rule, two forms: ``may_see`` for a loaded case (api/deps.py turns "no" into 404 on every
case route) and ``hide`` for lists and counts (the restricted cases this user may not see,
a small set, left out by id).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models.enums import Role
from models.people import Actor
from models.protection import CaseAccess
from models.tables import Case

# Supervisors see every case. The authorities' service accounts confirm steps (clearance,
# departure) of every case that leaves, restricted or not, and reach cases only through
# those confirmations and the departures list; the travel desk books every case's flights
# and finance pays every case's grant, each from its own page and nothing else.
SEES_EVERY_CASE = frozenset({
    Role.SUPERVISOR, Role.BORDER_GUARD, Role.MIGRATION_OFFICE, Role.ESCORT, Role.EMBASSY_LIAISON,
    Role.TRAVEL_DESK, Role.FINANCE,
})


def active_grant(user_id: str, now: datetime) -> Any:
    """The condition of a grant row that still gives ``user_id`` access at ``now``."""
    return sa.and_(
        col(CaseAccess.user_id) == user_id,
        col(CaseAccess.revoked_at).is_(None),
        sa.or_(col(CaseAccess.expires_at).is_(None), col(CaseAccess.expires_at) > now),
    )


def hidden_cases(actor: Actor, now: datetime | None = None) -> Any | None:
    """The ids of the restricted cases ``actor`` may not see (a subquery), None: none."""
    if actor.role in SEES_EVERY_CASE:
        return None
    now = now or datetime.now(UTC)
    granted = select(CaseAccess.case_id).where(active_grant(actor.id, now))
    query = (
        select(Case.id).where(col(Case.restricted))
        .where(sa.or_(col(Case.assignee_id).is_(None), col(Case.assignee_id) != actor.id))
        .where(col(Case.id).not_in(granted))
    )
    if actor.role == Role.PARTNER and actor.organisation:
        query = query.where(sa.or_(
            col(Case.partner_id).is_(None), col(Case.partner_id) != actor.organisation
        ))
    return query


def hide(query: Any, actor: Actor | None, column: Any = None) -> Any:
    """``query`` without the rows of cases ``actor`` may not see (``column``: the case id
    the rows carry; the case's own id by default). No actor: nothing hidden (internal use)."""
    hidden = hidden_cases(actor) if actor is not None else None
    if hidden is None:
        return query
    return query.where(col(column if column is not None else Case.id).not_in(hidden))


def may_see(session: Session, case: Case, actor: Actor, now: datetime | None = None) -> bool:
    if not case.restricted or actor.role in SEES_EVERY_CASE or case.assignee_id == actor.id:
        return True
    if actor.role == Role.PARTNER and actor.organisation and case.partner_id == actor.organisation:
        return True
    now = now or datetime.now(UTC)
    grant = session.exec(
        select(CaseAccess.id).where(CaseAccess.case_id == case.id)
        .where(active_grant(actor.id, now))
    ).first()
    return grant is not None


def grants_of(session: Session, case_id: str, now: datetime) -> list[CaseAccess]:
    """The grants in force on a case, oldest first."""
    return list(session.exec(
        select(CaseAccess).where(CaseAccess.case_id == case_id)
        .where(col(CaseAccess.revoked_at).is_(None))
        .where(sa.or_(col(CaseAccess.expires_at).is_(None), col(CaseAccess.expires_at) > now))
        .order_by(col(CaseAccess.granted_at))
    ).all())


def rederive(session: Session, case: Case) -> None:
    """Set the case's restriction from its sensitive mark and its household (the same rule
    as models/tables.py's listener, for a mark changed without a person's write)."""
    from models.protection import PROTECTED_VULNERABILITIES
    from models.tables import HouseholdMember

    flags = sa.cast(HouseholdMember.vulnerabilities, sa.String)
    protected = session.exec(
        select(HouseholdMember.id).where(HouseholdMember.case_id == case.id)
        .where(sa.or_(*(flags.contains(f'"{v}"') for v in PROTECTED_VULNERABILITIES)))
    ).first()
    case.restricted = case.sensitive_reason is not None or protected is not None
