"""Finding a person across cases: by name in any spelling, date of birth, document number;
and the earlier cases of a new case's people.

Both are filters of the case list (api/case_list.py), so whoever may see fewer cases one day
finds fewer: the search goes through the list's own access path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from models.name_keys import document_key, fold_words, prefix_range
from models.tables import Case, HouseholdMember

_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")
# Words of a name searched: each cut between given and family name is two more index ranges.
MAX_WORDS = 4


@dataclass(frozen=True)
class PersonQuery:
    """What a search box holds: a date (2026-01-31 or 31.01.2026) is a date of birth; if
    the rest has a digit, the rest is a document number (spaces and dashes ignored: "LV 123
    4567"); otherwise it is a name. A date and a name or a number may come together."""

    words: tuple[str, ...] = ()  # folded name words
    born: date | None = None
    document: str | None = None

    @classmethod
    def parse(cls, text: str) -> PersonQuery:
        rest: list[str] = []
        born = None
        for token in text.split():
            if (day := _date(token)) is not None:
                born = day
            else:
                rest.append(token)
        joined = " ".join(rest)
        if re.search(r"\d", joined):
            return cls((), born, document_key(joined))
        return cls(tuple(fold_words(joined)[:MAX_WORDS]), born, None)

    def __bool__(self) -> bool:
        return bool(self.words or self.born or self.document)

    def conditions(self) -> list[Any]:
        """Conditions on a household member: every part of the query holds for one person."""
        found: list[Any] = []
        if self.born is not None:
            found.append(col(HouseholdMember.date_of_birth) == self.born)
        if self.document is not None:
            found.append(col(HouseholdMember.document_key) == self.document)
        if self.words:
            found.append(_name_matches(self.words))
        return found


def _date(token: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(token, fmt).date()
        except ValueError:
            continue
    return None


def _starts(column: Any, prefix: str) -> Any:
    low, high = prefix_range(prefix)
    return sa.and_(column >= low, column < high) if high else column >= low


def _name_matches(words: tuple[str, ...]) -> Any:
    """The words are the start of the family name, of the given name, or the given name(s)
    then the family name(s) in either order ("Jānis Bērziņš", "Bērziņš Jānis"). Keys hold
    a name's words joined, so "de la Cruz" is found by "de la cruz" and by "dela"."""
    family, given = col(HouseholdMember.family_key), col(HouseholdMember.given_key)
    whole = "".join(words)
    options = [_starts(family, whole), _starts(given, whole)]
    for cut in range(1, len(words)):
        first, rest = "".join(words[:cut]), "".join(words[cut:])
        options.append(sa.and_(_starts(given, first), _starts(family, rest)))
        options.append(sa.and_(_starts(family, first), _starts(given, rest)))
    return sa.or_(*options)


def cases_of_person(query: PersonQuery) -> Any:
    """A condition on Case: someone in its household matches the query."""
    return col(Case.id).in_(
        select(HouseholdMember.case_id).where(*query.conditions())
    )


def earlier_cases_of(case_id: str) -> list[Any]:
    """Conditions on Case: opened before the case and holding one of its people: the same
    folded names and date of birth, or the same passport number."""
    mine, other = aliased(HouseholdMember), aliased(HouseholdMember)
    same_person = sa.or_(
        sa.and_(
            col(other.family_key) == col(mine.family_key),
            col(other.given_key) == col(mine.given_key),
            col(other.date_of_birth) == col(mine.date_of_birth),
        ),
        col(other.document_key) == col(mine.document_key),
    )
    people = (
        select(other.case_id).join(mine, same_person)
        .where(col(mine.case_id) == case_id).where(col(other.case_id) != case_id)
    )
    opened = select(Case.created_at).where(Case.id == case_id).scalar_subquery()
    return [col(Case.id).in_(people), col(Case.created_at) < opened]
