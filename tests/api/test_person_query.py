"""How the person search box is read: a date of birth, a document number, or a name."""

from __future__ import annotations

from datetime import date

from api.people import PersonQuery


def test_a_search_is_read_as_name_date_of_birth_or_document() -> None:
    assert PersonQuery.parse("Jānis  Bērziņš") == PersonQuery(("janis", "berzins"))
    assert PersonQuery.parse("Берзиньш 01.02.1980") == PersonQuery(
        ("berzins",), date(1980, 2, 1))
    assert PersonQuery.parse("1980-02-01") == PersonQuery((), date(1980, 2, 1))
    assert PersonQuery.parse("lv 123-4567") == PersonQuery((), None, "LV1234567")
    assert PersonQuery.parse("a b c d e").words == ("a", "b", "c", "d")
    assert not PersonQuery.parse("!!! ---")
    assert not PersonQuery.parse("")
