"""The papers a returnee signs: every language has every text, and the PDF (read back with
pypdf) names the case and its household in the office's language, English and the
returnee's own, the Georgian and Cyrillic names intact."""

from __future__ import annotations

import io
import string
from datetime import date
from decimal import Decimal

from pypdf import PdfReader

from activities.letters import Office
from activities.returnee_papers import (
    Declaration,
    GrantReceipt,
    Signer,
    declaration_pdf,
    receipt_pdf,
)
from activities.returnee_texts import DECLARATION, EN, RECEIPT, language_code, paper_languages
from models.embassies import LetterLanguage

OFFICE = Office("Homeward return office", LetterLanguage.LV)
NINO = Signer("ნინო", "ბერიძე", date(1990, 4, 1))
LUKA = Signer("Лука", "Беридзе", date(2016, 5, 20), minor=True)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_every_language_has_every_text_and_placeholder() -> None:
    for table in (DECLARATION, RECEIPT):
        assert set(table) >= {"en", "lv", "ru", "lt", "et"}
        for lang, texts in table.items():
            assert set(texts) == set(table[EN]), lang
            for key, text in texts.items():
                assert fields(text) == fields(table[EN][key]), (lang, key)


def test_the_returnees_language_is_added_where_its_texts_exist() -> None:
    assert paper_languages("lv", "ru") == ["lv", "en", "ru"]
    assert paper_languages("lv", "Russian") == ["lv", "en", "ru"]
    assert paper_languages("lv", "ru-RU") == ["lv", "en", "ru"]
    assert paper_languages("lv", "ka") == ["lv", "en"]  # no Georgian texts (yet)
    assert paper_languages("lv", "lv") == ["lv", "en"]
    assert paper_languages("en", None) == ["en"]
    assert language_code("Eesti") == "et"


def test_the_declaration_names_the_case_and_household_in_three_languages() -> None:
    today = date(2026, 12, 4)
    text = text_of(declaration_pdf(Declaration(OFFICE, "LV-2026-000042", "GE", "ru",
                                               [NINO, LUKA], today)))
    for expected in ("LV-2026-000042", "ბერიძე, ნინო", "Беридзе, Лука", "1990-04-01",
                     "Deklarācija par brīvprātīgu atgriešanos",  # the office's language
                     "Declaration of voluntary return",  # English
                     "Заявление о добровольном возвращении",  # the household's
                     "(Gruzija)", "(Georgia)", "(Грузия)",  # the country in each language
                     "legal guardian"):  # the minor's line
        assert expected in text.replace("\n", " "), expected
    # Without texts in the preferred language: the office's and English only.
    text = text_of(declaration_pdf(Declaration(OFFICE, "LV-2026-000042", "GE", "ka",
                                               [NINO], today)))
    assert "Declaration of voluntary return" in text and "Заявление" not in text


def test_the_grant_receipt_names_the_recipient_and_each_members_amount() -> None:
    paper = GrantReceipt(OFFICE, "LV-2026-000042", "GE", "et", NINO,
                         [(NINO, Decimal(300)), (LUKA, Decimal("150.5"))], Decimal("450.50"),
                         "EUR", "pay-7", date(2026, 12, 4))
    text = text_of(receipt_pdf(paper)).replace("\n", " ")
    for expected in ("LV-2026-000042", "pay-7", "ბერიძე, ნინო", "Беридзе, Лука",
                     "300.00 EUR", "150.50 EUR", "450.50 EUR",
                     "Apliecinājums par atgriešanās pabalsta saņemšanu",
                     "Receipt of the return grant",
                     "Tagasipöördumistoetuse kättesaamise kviitung"):
        assert expected in text, expected
