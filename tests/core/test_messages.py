"""The interface's catalogues: complete, consistent, with each language's plural forms."""

from __future__ import annotations

import re
from datetime import date

import pytest

from core import i18n
from core.messages import extract, problems, read

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_every_message_is_translated_in_every_catalogue_and_none_is_stale() -> None:
    """What `make messages` extracts today is in each catalogue, translated, not fuzzy, and
    nothing is left that the code no longer says: a page added in English fails here until
    its messages are translated (run `make messages`, translate, run it again)."""
    template = extract()
    assert len(template) > 500
    assert problems(template) == []


@pytest.mark.parametrize("language", [code for code in i18n.LANGUAGES if code != "en"])
def test_a_translation_keeps_the_placeholders_of_its_message(language: str) -> None:
    wrong = []
    for m in read(language):
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for s in strings:
            if set(PLACEHOLDER.findall(s)) != wanted:
                wrong.append((ids[0], s))
    assert wrong == []


@pytest.mark.parametrize(("language", "counts"), [
    ("lv", {0: "0 lietu", 1: "1 lieta", 2: "2 lietas", 11: "11 lietu", 21: "21 lieta"}),
    ("lt", {1: "1 byla", 3: "3 bylos", 10: "10 bylų", 21: "21 byla", 12: "12 bylų"}),
    ("ru", {1: "1 дело", 3: "3 дела", 5: "5 дел", 11: "11 дел", 22: "22 дела"}),
    ("et", {1: "1 juhtum", 2: "2 juhtumit"}),
    ("en", {1: "1 case", 2: "2 cases"}),
])
def test_plural_forms_follow_the_language(language: str, counts: dict[int, str]) -> None:
    with i18n.language(language):
        assert {n: i18n.ngettext("%(count)s case", "%(count)s cases", n, count=n)
                for n in counts} == counts


def test_accept_language_picks_the_best_supported_language() -> None:
    assert i18n.negotiate("lv-LV,lv;q=0.9,en-US;q=0.8") == "lv"
    assert i18n.negotiate("de-DE,ru;q=0.7,lt;q=0.9") == "lt"
    assert i18n.negotiate("fr-FR,de;q=0.5") == "en"
    assert i18n.negotiate(None) == "en"
    assert i18n.negotiate("et;q=0,ru") == "ru"


def test_dates_money_and_names_in_the_users_language() -> None:
    from datetime import date

    with i18n.language("lv"):
        assert i18n.format_date(date(2026, 3, 5)) == "2026. gada 5. marts"
        assert i18n.country_name("GE") == "Gruzija"
        assert i18n.format_money("1234.5", "EUR").replace("\xa0", " ") == "1 234,50 €"
    with i18n.language("ru"):
        assert i18n.country_name("LV") == "Латвия"
        assert i18n.language_name("ka") == "грузинский"
    with i18n.language("en"):  # English keeps the interface's formats
        assert i18n.format_date(date(2026, 3, 5)) == "2026-03-05"
        assert i18n.format_money("450.00", "EUR") == "450.00 EUR"


def test_a_referral_mail_is_in_the_providers_language() -> None:
    """A provider listing Latvian gets the referral in Latvian; one listing none of the
    interface's languages in English, word for word as before."""
    from types import SimpleNamespace

    from api.referrals import _message

    case = SimpleNamespace(reference="LV-2026-000009", preferred_language="ru")
    member = SimpleNamespace(given_name="Nino", family_name="Beridze",
                             date_of_birth=date(1990, 4, 1), nationality="GE")
    referral = SimpleNamespace(reason="needs legal advice")

    def provider(languages: list[str]) -> SimpleNamespace:
        return SimpleNamespace(name="Patvērums", kind=SimpleNamespace(value="legal_aid"),
                               languages=languages)

    lv = _message(case, member, provider(["lv", "ru"]), referral, "IOM Riga")  # type: ignore[arg-type]
    assert lv["Subject"] == "Nosūtījums LV-2026-000009: juridiskā palīdzība"
    assert "IOM Riga ar personas piekrišanu nosūta pie Jums:" in lv.get_content()
    assert "Iemesls: needs legal advice" in lv.get_content()
    en = _message(case, member, provider(["ka"]), referral, "IOM Riga")  # type: ignore[arg-type]
    assert en["Subject"] == "Referral LV-2026-000009: legal aid"
    assert en.get_content() == (
        "Dear Patvērums,\n\nIOM Riga refers to you, with their consent:\n\n"
        "  Nino Beridze, born 01.04.1990, nationality GE\n  Language: ru\n\n"
        "Reason: needs legal advice\n\nPlease answer to this message quoting LV-2026-000009.\n"
    )


def test_the_workflows_sentences_are_shown_translated_and_are_still_what_it_writes() -> None:
    """The case page reads the workflow's English sentences (timeline summaries, awaiting,
    warnings) back against api/web/sentences.py's patterns: each pattern's words are still
    in the workflow's code (a reworded sentence fails here, not silently in English on the
    page), and a sentence of each pattern is shown in every language with its parameters."""
    from pathlib import Path

    from api.web import sentences

    code = " ".join(p.read_text() for p in Path("workflows").rglob("*.py"))
    patterns = [*(t for ts in sentences.TIMELINE.values() for t in ts), *sentences.AWAITING,
                *sentences.WARNINGS, *sentences.TASKS, *sentences.SUBJECTS]
    # A verdict the workflow puts in its sentence ("cash grant {verdict}") is a piece too,
    # and so is a due day added to a subject built before ("{what} due on {day}").
    verdicts = r"\b(?:approved|rejected|sent back|not eligible|eligible)$| (?=due on )"
    unsaid = [
        (t, piece) for t in patterns
        for piece in re.split(rf"%\(\w+\)s|[:;,()]\s*|{verdicts}", t)
        if len(piece.strip()) >= 6 and piece.strip() not in code
    ]
    assert unsaid == []
    for t in patterns:
        english = t % {name: "2026-03-01" if name in ("day", "deadline") else "X7"
                       for name in PLACEHOLDER.findall(t)}
        for language in ("lv", "lt", "et", "ru"):
            with i18n.language(language):
                shown = sentences.translated(english, (t,))
                assert shown != english, (language, t)
                assert "X7" in shown or "X7" not in english, (language, t)
    with i18n.language("lv"):
        assert sentences.timeline_summary("stage_change", "stage: eligibility") == (
            "posms: atbilstība")
        assert sentences.awaiting_text("completion of the intake; monitoring visit 2, due on "
                                       "2026-03-01") == (
            "uzņemšanas pabeigšanu; monitoringa vizīti 2, termiņš 2026. gada 1. marts")
        said = "a sentence the workflow may write tomorrow"
        assert sentences.timeline_summary("decision", said) == said
    assert sentences.timeline_summary("stage_change", "stage: eligibility") == (
        "stage: eligibility")


def test_a_forms_errors_in_one_line_name_their_fields_as_the_form_does() -> None:
    from api.web.validation import field_error

    line = "iban: Value error, not a valid IBAN: LV00; holder: Field required"
    line = line.replace("Value error, ", "")  # as the routes strip it
    with i18n.language("lv"):
        assert field_error(line) == "IBAN: nederīgs IBAN; Konta turētājs: šis lauks ir obligāts"
    with i18n.language("en"):
        assert field_error(line) == line
