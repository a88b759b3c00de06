"""A case with a Georgian household and a GE embassy, for the e-mail modes' tests."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session

from activities.letters import Office
from models.embassies import Embassy, LetterLanguage
from models.enums import Relationship, Sex
from models.tables import Case, HouseholdMember
from tests.factories import insert_case

OFFICE = Office("IOM Riga", LetterLanguage.LV, reply_to="returns@iom.test")
# Georgian script for the principal, Cyrillic for the spouse: the PDF's fonts must carry both.
HOUSEHOLD = [
    ("ნინო", "ბერიძე", date(1990, 3, 1), Relationship.PRINCIPAL, Sex.FEMALE),
    ("Иван", "Петров", date(1987, 11, 23), Relationship.SPOUSE, Sex.MALE),
    ("Luka", "Beridze", date(2016, 6, 9), Relationship.CHILD, Sex.MALE),
]


def case_with_household(engine: Engine) -> tuple[Case, list[str]]:
    case = insert_case(engine)
    ids = [f"{case.id[:8]}-m{i}" for i in range(len(HOUSEHOLD))]
    with Session(engine) as session:
        for position, (member_id, (given, family, born, rel, sex)) in enumerate(
            zip(ids, HOUSEHOLD, strict=True)
        ):
            session.add(HouseholdMember(
                id=member_id, case_id=case.id, position=position, relationship=rel,
                given_name=given, family_name=family, date_of_birth=born, sex=sex,
                nationality="GE",
            ))
        session.commit()
    return case, ids


def add_embassy(engine: Engine, country: str = "GE", language: str = "ru") -> None:
    with Session(engine) as session:
        session.add(Embassy(country=country, name="Embassy of Georgia in Riga",
                            email="riga@mfa.gov.ge", letter_language=language, answer_days=21))
        session.commit()
