"""For benches that run one piece of Homeward in process: a recorded case's payloads, a fresh
database with the default project and one case, and the demo users under their usernames."""

from __future__ import annotations

import base64
import json
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio.api.common.v1 import Payload

from api.project_service import ensure_default_project
from api.user_service import DEMO_PASSWORD, DEMO_USERS
from core.db import build_engine
from core.migrate import upgrade
from core.security import hash_password
from core.settings import Settings
from models.enums import LegalSituation, LocationType
from models.tables import Case
from models.users import User

HISTORY = (Path(__file__).parent.parent / "tests" / "workflows" / "histories"
           / "a_paid_grant_and_a_handover_lead_into_monitoring.json")
CASE_ID = "bench-case"


def recorded_payloads(pick: Callable[[dict[str, Any]], dict[str, Any] | None]) -> list[Payload]:
    """The payload ``pick`` finds in each event of the recorded history that has one, as
    stored: encrypted with the development key (core/codec.py decrypts it)."""
    found = []
    for event in json.loads(HISTORY.read_text())["events"]:
        raw = pick(event)
        if raw is not None:
            found.append(Payload(
                metadata={k: base64.b64decode(v) for k, v in raw["metadata"].items()},
                data=base64.b64decode(raw["data"])))
    return found


def add_demo_users(session: Session) -> None:
    """The demo users, each with its username as its id (tokens can name them in advance)."""
    hashed = hash_password(DEMO_PASSWORD)  # argon2 is slow on purpose: once
    for u in DEMO_USERS:
        session.add(User(id=u.username, username=u.username, full_name=u.full_name,
                         role=u.role, partner_org=u.partner_org, password_hash=hashed))
    session.commit()


def scratch_office(*, users: bool = False) -> tuple[Settings, Engine]:
    """A fresh SQLite database in a temporary folder, migrated, with the default project and
    one case (``CASE_ID``), and the demo users if asked; logging quiet."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    folder = Path(tempfile.mkdtemp(prefix="homeward-bench-"))
    settings = Settings(data_dir=folder, database_url=f"sqlite:///{folder}/bench.db",  # type: ignore[call-arg]
                        log_level="WARNING", _env_file=None)
    engine = build_engine(settings)
    upgrade(engine)
    project = ensure_default_project(engine, settings)
    with Session(engine) as session:
        session.add(Case(id=CASE_ID, reference="LV-2026-000001", project_id=project.id,
                         country_of_origin="GE",
                         legal_situation=LegalSituation.REJECTED_ASYLUM_SEEKER,
                         location_type=LocationType.RECEPTION_CENTRE))
        session.commit()
        if users:
            add_demo_users(session)
    return settings, engine
