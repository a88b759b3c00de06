"""The papers a returnee signs, as PDF from HTML templates (the embassy letter's machinery,
activities/letters.py): the declaration of voluntary return with the household's consent,
and the receipt of the return grant. Each in the office's language and English side by side,
and in the returnee's preferred language where its texts exist (activities/returnee_texts.py).

Built from the database by ids (api/generated_documents.py); nothing here reaches Temporal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from activities.letters import Office, render_pdf, render_template
from activities.returnee_texts import DECLARATION, RECEIPT, country_name, paper_languages


@dataclass(frozen=True)
class Signer:
    given_name: str
    family_name: str
    date_of_birth: date
    minor: bool = False


@dataclass(frozen=True)
class Declaration:
    office: Office
    case_ref: str
    country: str
    preferred_language: str | None
    household: list[Signer]
    today: date


@dataclass(frozen=True)
class GrantReceipt:
    office: Office
    case_ref: str
    country: str
    preferred_language: str | None
    recipient: Signer
    lines: list[tuple[Signer, Decimal]]
    amount: Decimal
    currency: str
    payment_id: str | None
    today: date


def _texts(table: dict[str, dict[str, str]], office: Office, preferred: str | None,
           country: str, **values: object) -> list[dict[str, str]]:
    out = []
    for lang in paper_languages(office.language.value, preferred):
        filled = {"office": office.name, "country": country_name(country, lang), **values}
        out.append({"lang": lang, **{k: v.format(**filled) for k, v in table[lang].items()}})
    return out


def declaration_html(paper: Declaration) -> str:
    texts = _texts(DECLARATION, paper.office, paper.preferred_language, paper.country,
                   case_ref=paper.case_ref)
    return render_template(
        "declaration.html", texts=texts, household=paper.household, office=paper.office.name,
        case_ref=paper.case_ref, today=paper.today.isoformat(),
    )


def declaration_pdf(paper: Declaration) -> bytes:
    return render_pdf(declaration_html(paper))


def receipt_html(paper: GrantReceipt) -> str:
    texts = _texts(RECEIPT, paper.office, paper.preferred_language, paper.country,
                   case_ref=paper.case_ref, amount=f"{paper.amount:.2f}", currency=paper.currency)
    return render_template(
        "grant_receipt.html", texts=texts, recipient=paper.recipient, lines=paper.lines,
        amount=f"{paper.amount:.2f}", currency=paper.currency, payment_id=paper.payment_id,
        office=paper.office.name, case_ref=paper.case_ref, today=paper.today.isoformat(),
    )


def receipt_pdf(paper: GrantReceipt) -> bytes:
    return render_pdf(receipt_html(paper))
