"""The case list that the API (GET /cases) and the web page (/ui/cases) share: its filters,
newest first, and each page counted in the same statement that reads it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api import case_list
from api.case_list import CaseFilters, list_cases
from models.enums import Relationship, Sex, Stage, Vulnerability
from models.tables import Case, HouseholdMember
from tests.factories import insert_case

T0 = datetime(2026, 3, 1, tzinfo=UTC)


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def cases(engine: Engine) -> list[Case]:
    made = [
        insert_case(engine, reference="LV-2026-000101", created_at=T0, country_of_origin="GE"),
        insert_case(engine, reference="LV-2026-000102", created_at=T0 + timedelta(hours=1),
                    country_of_origin="UA", assignee_id="caseworker", stage=Stage.ELIGIBILITY),
        insert_case(engine, reference="LV-2026-000203", created_at=T0 + timedelta(hours=2),
                    country_of_origin="GE", assignee_id="caseworker"),
    ]
    with Session(engine) as session:
        session.add(HouseholdMember(
            id=str(uuid.uuid4()), case_id=made[1].id, relationship=Relationship.PRINCIPAL,
            given_name="A", family_name="B", date_of_birth=date(1990, 1, 1), sex=Sex.FEMALE,
            nationality="UA", vulnerabilities=[Vulnerability.PREGNANT.value],
        ))
        session.commit()
    return made


def refs(rows: list[Case]) -> list[str]:
    return [c.reference for c in rows]


def test_filters_and_order(engine: Engine) -> None:
    cases(engine)
    with Session(engine) as session:
        def listed(**f: Any) -> tuple[list[str], int]:
            rows, total = list_cases(session, CaseFilters(**f), 0, 10)
            return refs(rows), total

        assert listed() == (["LV-2026-000203", "LV-2026-000102", "LV-2026-000101"], 3)
        assert listed(reference=" 0001") == (["LV-2026-000102", "LV-2026-000101"], 2)
        assert listed(reference="lv-2026-0002") == (["LV-2026-000203"], 1)
        assert listed(country="ua") == (["LV-2026-000102"], 1)
        assert listed(assignee_id="caseworker", stage=Stage.INTAKE) == (["LV-2026-000203"], 1)
        assert listed(vulnerability=Vulnerability.PREGNANT) == (["LV-2026-000102"], 1)
        # Empty filters, as the web page passes them, filter nothing.
        assert listed(reference="", country="", project_id="", assignee_id="")[1] == 3


def test_a_page_and_its_count_are_one_statement(engine: Engine) -> None:
    cases(engine)
    with Session(engine) as session:
        with statements(engine) as seen:
            rows, total = list_cases(
                session, CaseFilters(vulnerability=None, country="GE"), 1, 1
            )
        assert (refs(rows), total) == (["LV-2026-000101"], 2)
        assert len(seen) == 1
        with statements(engine) as seen:
            assert list_cases(session, CaseFilters(stage=Stage.CLOSED), 0, 10) == ([], 0)
        assert len(seen) == 1
        # Past the last page there is no row to carry the count: it is asked for alone.
        with statements(engine) as seen:
            assert list_cases(session, CaseFilters(), 10, 10) == ([], 3)
        assert len(seen) == 2


@pytest.mark.parametrize("few", [0, case_list.FEW_MATCHES], ids=["many", "few"])
def test_a_search_by_reference_finds_the_same_however_many_match(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, few: int
) -> None:
    """Few matches are looked up through the reference index, many walk the newest first
    (api/case_list.py): the same cases, order, pages and counts either way."""
    cases(engine)
    monkeypatch.setattr(case_list, "FEW_MATCHES", few)
    with Session(engine) as session:
        def listed(reference: str, offset: int = 0, **f: Any) -> tuple[list[str], int]:
            rows, total = list_cases(session, CaseFilters(reference=reference, **f), offset, 1)
            return refs(rows), total

        assert listed(" 0001") == (["LV-2026-000102"], 2)
        assert listed(" 0001", offset=1) == (["LV-2026-000101"], 2)
        assert listed("lv-2026-0002") == (["LV-2026-000203"], 1)
        assert listed("LV-2026-000101") == (["LV-2026-000101"], 1)  # a whole reference
        assert listed("2026", country="GE", offset=1) == (["LV-2026-000101"], 2)
        assert listed("LV-2027") == ([], 0)
