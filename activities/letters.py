"""The request letter to an embassy as a PDF (WeasyPrint, from an HTML template), and the
plain-text withdrawal and departure notice, each in the office's language and English."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from activities.letter_texts import (
    NOTICE,
    REMINDED,
    REMINDER,
    REQUEST,
    WITHDRAWAL,
    WITHDRAWN,
    languages,
)
from models.embassies import LetterLanguage

TEMPLATES = Path(__file__).resolve().parent / "templates"
_jinja = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


@dataclass(frozen=True)
class Office:
    """Who writes: the office's name, language and the address answers go to."""

    name: str
    language: LetterLanguage
    reply_to: str = ""


@dataclass(frozen=True)
class Person:
    given_name: str
    family_name: str
    date_of_birth: date


@dataclass(frozen=True)
class RequestLetter:
    office: Office
    embassy: str
    embassy_email: str
    embassy_language: LetterLanguage
    country: str
    case_ref: str
    request_ref: str
    answer_days: int
    household: list[Person]
    today: date


def request_html(letter: RequestLetter) -> str:
    values = {
        "office": letter.office.name, "embassy": letter.embassy, "country": letter.country,
        "case_ref": letter.case_ref, "request_ref": letter.request_ref,
        "days": letter.answer_days,
    }
    texts = [
        {"lang": lang.value, **{k: v.format(**values) for k, v in REQUEST[lang].items()}}
        for lang in languages(letter.office.language, letter.embassy_language)
    ]
    return _jinja.get_template("embassy_request.html").render(
        texts=texts, household=letter.household, today=letter.today.isoformat(),
        office=letter.office.name, embassy=letter.embassy, embassy_email=letter.embassy_email,
        case_ref=letter.case_ref, request_ref=letter.request_ref,
    )


def render_pdf(html: str) -> bytes:
    """HTML of one of these templates as PDF bytes; CPU-bound (~0.1-0.5 s): call it in a
    thread from async code. DejaVu Sans (Debian's fonts-dejavu) covers the Latin, Cyrillic,
    Georgian and Armenian names a household may have."""
    from weasyprint import HTML  # imported here: pango loads only in processes that write

    return bytes(HTML(string=html).write_pdf())


def render_template(name: str, **values: object) -> str:
    return _jinja.get_template(name).render(**values)


def request_pdf(letter: RequestLetter) -> bytes:
    """The letter as PDF bytes (see render_pdf)."""
    return render_pdf(request_html(letter))


def request_subject(letter: RequestLetter) -> str:
    langs = languages(letter.office.language, letter.embassy_language)
    titles = " / ".join(REQUEST[lang]["title"] for lang in langs)
    return f"{titles} – {letter.case_ref} ({letter.request_ref})"


def withdrawal_text(office: Office, case_ref: str, request_ref: str) -> str:
    return "\n\n".join(
        WITHDRAWAL[lang].format(case_ref=case_ref, request_ref=request_ref)
        for lang in languages(office.language)
    ) + f"\n\n{office.name}\n"


def withdrawal_subject(office: Office, case_ref: str, request_ref: str) -> str:
    said = " / ".join(WITHDRAWN[lang] for lang in languages(office.language))
    return f"{case_ref} ({request_ref}): {said}"


def reminder_text(office: Office, case_ref: str, request_ref: str, requested_on: date,
                  n: int) -> str:
    """The n-th reminder of an unanswered request: the office's language and English."""
    return "\n\n".join(
        REMINDER[lang].format(case_ref=case_ref, request_ref=request_ref,
                              requested_on=requested_on.isoformat())
        for lang in languages(office.language)
    ) + f"\n\n{office.name}\n"


def reminder_subject(office: Office, case_ref: str, request_ref: str, n: int) -> str:
    said = " / ".join(REMINDED[lang] for lang in languages(office.language))
    return f"{case_ref} ({request_ref}): {said} {n}"


def notice_text(
    office: Office, authority: str, *, case_ref: str, notice_ref: str, departure: date,
    location: str, travellers: list[Person],
) -> str:
    parts = []
    for lang in languages(office.language):
        t = NOTICE[lang]
        names = "\n".join(f"  - {p.family_name}, {p.given_name}" for p in travellers)
        parts.append("\n".join([
            t["intro"].format(office=office.name, authority=t[authority]),
            "",
            f"{t['case']}: {case_ref}",
            f"{t['notice']}: {notice_ref}",
            f"{t['departure']}: {departure.isoformat()}",
            f"{t['location']}: {location.replace('_', ' ')}",
            f"{t['travellers']} ({len(travellers)}):",
            names,
            "",
            t["confirm"],
        ]))
    return "\n\n---\n\n".join(parts) + f"\n\n{office.name}\n"


def notice_subject(office: Office, case_ref: str) -> str:
    subjects = " / ".join(NOTICE[lang]["subject"] for lang in languages(office.language))
    return f"{subjects} – {case_ref}"
