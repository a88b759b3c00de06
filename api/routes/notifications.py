"""The signed-in user's in-app notifications (reminders and escalations)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query
from sqlmodel import col, func, select

from api.auth import CurrentUser
from api.deps import SessionDep
from api.paging import PageDep
from models.schemas_timeline import NotificationPublic, NotificationsPublic
from models.timeline import Notification

router = APIRouter(prefix="/notifications", tags=["notifications"])


@router.get("", response_model=NotificationsPublic)
def my_notifications(
    user: CurrentUser,
    session: SessionDep,
    page: PageDep,
    unread: Annotated[bool, Query(description="Only those not yet marked read")] = False,
) -> NotificationsPublic:
    """Your notifications, newest first."""
    mine = select(Notification).where(Notification.user_id == user.id)
    if unread:
        mine = mine.where(col(Notification.read_at).is_(None))
    count = session.exec(select(func.count()).select_from(mine.subquery())).one()
    unread_count = session.exec(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id)
        .where(col(Notification.read_at).is_(None))
    ).one()
    rows = session.exec(
        mine.order_by(col(Notification.id).desc()).offset(page.offset).limit(page.limit)
    ).all()
    return NotificationsPublic(
        data=[NotificationPublic.model_validate(r, from_attributes=True) for r in rows],
        count=count,
        unread=unread_count,
    )


@router.post("/{notification_id}/read", response_model=NotificationPublic)
def mark_read(
    notification_id: Annotated[int, Path(ge=1, le=2**31 - 1)],  # an INTEGER id in PostgreSQL
    user: CurrentUser,
    session: SessionDep,
    page: PageDep,
) -> Notification:
    """Mark one of your notifications read (another user's is not found)."""
    note = session.get(Notification, notification_id)
    if note is None or note.user_id != user.id:
        raise HTTPException(status_code=404, detail=f"notification {notification_id} not found")
    if note.read_at is None:
        note.read_at = datetime.now(UTC)
        session.add(note)
        session.commit()
    return note
