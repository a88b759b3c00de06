"""Every letter language has every text, with the same placeholders as the English one."""

from __future__ import annotations

import string

from activities.letter_texts import NOTICE, REQUEST, WITHDRAWAL, WITHDRAWN, languages
from models.embassies import LetterLanguage


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_every_text_and_placeholder() -> None:
    for lang in LetterLanguage:
        for table in (REQUEST, NOTICE):
            english = table[LetterLanguage.EN]
            assert set(table[lang]) == set(english), lang
            for key, text in table[lang].items():
                assert fields(text) == fields(english[key]), (lang, key)
        assert fields(WITHDRAWAL[lang]) == fields(WITHDRAWAL[LetterLanguage.EN])
        assert WITHDRAWN[lang]


def test_letters_are_in_the_office_language_english_and_the_embassys() -> None:
    lv, en, ru = LetterLanguage.LV, LetterLanguage.EN, LetterLanguage.RU
    assert languages(lv, ru) == [lv, en, ru]
    assert languages(lv, en) == [lv, en]
    assert languages(en) == [en]
