"""The projection writes the household's flags after a later finding: only when the workflow
sends them, under the version guard (a late older write brings no withdrawn flag back)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session
from temporalio.testing import ActivityEnvironment

from activities.projection import ProjectionActivities
from models.enums import Relationship, Sex, Stage
from models.tables import HouseholdMember
from tests.activities.test_projection import projection
from tests.factories import insert_case


def flags(engine: Engine, member_id: str) -> list[str]:
    with Session(engine) as session:
        row = session.get(HouseholdMember, member_id)
        assert row is not None
        return list(row.vulnerabilities)


def test_flags_follow_a_finding_and_a_stale_write_brings_none_back(engine: Engine) -> None:
    case = insert_case(engine)
    member = str(uuid.uuid4())
    with Session(engine) as session:
        session.add(HouseholdMember(
            id=member, case_id=case.id, relationship=Relationship.PRINCIPAL, given_name="A",
            family_name="B", date_of_birth=date(1990, 1, 1), sex=Sex.MALE, nationality="GE",
            vulnerabilities=["elderly"]))
        session.commit()
    run = ActivityEnvironment().run
    activities = ProjectionActivities(engine)

    run(activities.record_and_project, projection(case.id, Stage.INTAKE, 2))
    assert flags(engine, member) == ["elderly"]  # none sent: the row keeps its flags
    found = projection(case.id, Stage.INTAKE, 3).model_copy(
        update={"household_vulnerabilities": {member: ["elderly", "trafficking_victim"]}})
    run(activities.record_and_project, found)
    assert flags(engine, member) == ["elderly", "trafficking_victim"]
    withdrawn = projection(case.id, Stage.INTAKE, 5).model_copy(
        update={"household_vulnerabilities": {member: ["elderly"]}})
    run(activities.record_and_project, withdrawn)
    run(activities.record_and_project, found)  # late and older: ignored
    assert flags(engine, member) == ["elderly"]
