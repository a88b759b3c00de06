"""The languages of the interface: gettext catalogues, the user's locale, and Babel's formats.

The catalogues are the ``.po`` files in ``core/locale/<lang>/LC_MESSAGES/messages.po``; they
are compiled in memory the first time a language is used (a few milliseconds each), so no
``.mo`` file is committed or built: a clean clone runs (``make test``, CI) with nothing to
compile, and an edited ``.po`` is what runs. ``python -m core.messages`` (``make messages``)
extracts the messages, updates the catalogues and checks that none is missing or stale.

The language of a request is held in a context variable, set by the page renderer (the
signed-in user's language, or the browser's ``Accept-Language`` on the sign-in page) and
by the e-mails (the recipient's language): ``gettext``/``ngettext`` and the format filters
read it, so nothing else passes it around.
"""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
DEFAULT = "en"
# The interface's languages, each named in its own language (the switcher shows these).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "lv": "Latviešu",
    "lt": "Lietuvių",
    "et": "Eesti",
    "ru": "Русский",
}

_current: ContextVar[str] = ContextVar("homeward_language", default=DEFAULT)


def N_(message: str) -> str:
    """Marks a message for extraction without translating it (translated where shown)."""
    return message


def supported(language: str | None) -> str:
    """The interface language for a stored or requested code (``lv-LV`` → ``lv``)."""
    if not language:
        return DEFAULT
    code = language.replace("_", "-").split("-")[0].strip().lower()
    return code if code in LANGUAGES else DEFAULT


def negotiate(accept_language: str | None) -> str:
    """The best interface language for an ``Accept-Language`` header (RFC 9110 weights)."""
    best, best_q = DEFAULT, -1.0
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        for p in params.split(";"):
            key, _, value = p.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        code = tag.split("-")[0].strip().lower()
        # Earlier tags win ties (the order the browser lists them in).
        if code in LANGUAGES and q > 0 and q - i * 1e-6 > best_q:
            best, best_q = code, q - i * 1e-6
    return best


@cache
def translations(language: str) -> _gettext.NullTranslations:
    """The compiled catalogue of a language (English: the messages themselves)."""
    po = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == DEFAULT or not po.exists():
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        catalog = read_po(f, locale=language)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def current() -> str:
    return _current.get()


@contextmanager
def language(code: str | None) -> Iterator[str]:
    """Everything inside speaks this language (a page, an e-mail)."""
    token = _current.set(supported(code))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def use(code: str | None) -> str:
    """Sets the language for the rest of this context (a request's page rendering)."""
    _current.set(supported(code))
    return _current.get()


def gettext(message: str, **variables: Any) -> str:
    text = translations(_current.get()).gettext(message) if message else message
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
    variables.setdefault("num", n)
    text = translations(_current.get()).ngettext(singular, plural, n)
    return text % variables


def pgettext(context: str, message: str, **variables: Any) -> str:
    text = translations(_current.get()).pgettext(context, message)
    return text % variables if variables else text


_ = gettext


# Babel's formats (CLDR data) for the current language. English keeps the formats the
# interface always had, which its users, its tests and the exports rely on: ISO 8601 dates
# and amounts as stored with the currency code after them.


def format_date(value: date | datetime | str | None, form: str = "medium") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    if _current.get() == DEFAULT:
        return value.isoformat() if not isinstance(value, datetime) else value.date().isoformat()
    from babel.dates import format_date as fmt

    return fmt(value, format=form, locale=_current.get())


def format_datetime(value: datetime | None, form: str = "medium") -> str:
    if value is None:
        return ""
    if _current.get() == DEFAULT:
        return f"{value:%Y-%m-%d %H:%M}"
    from babel.dates import format_datetime as fmt

    return fmt(value, format=form, locale=_current.get())


def format_number(value: float | Decimal | str | None) -> str:
    if value is None or value == "":
        return ""
    if _current.get() == DEFAULT:
        return str(value)
    from babel.numbers import format_decimal

    return format_decimal(Decimal(str(value)), locale=_current.get())


def format_money(amount: float | Decimal | str | None, currency: str | None) -> str:
    if amount is None or amount == "":
        return ""
    if _current.get() == DEFAULT:
        return f"{amount} {currency}".strip() if currency else str(amount)
    from babel.numbers import format_currency

    if not currency:
        return format_number(amount)
    return format_currency(Decimal(str(amount)), currency, locale=_current.get())


def month_label(label: str) -> str:
    """A chart's month ("Jan 26", as the queries write it) in the current language."""
    if _current.get() == DEFAULT:
        return label
    try:
        month = datetime.strptime(label, "%b %y").date()
    except ValueError:
        return label
    from babel.dates import format_date as fmt

    return fmt(month, "LLL yy", locale=_current.get())


def country_name(code: str | None) -> str:
    """A country's name in the current language (ISO 3166 alpha-2), the code if unknown."""
    if not code:
        return ""
    from babel import Locale

    return Locale.parse(_current.get()).territories.get(code.upper(), code)


def language_name(code: str | None) -> str:
    """A language's name in the current language (ISO 639), the code if unknown."""
    if not code:
        return ""
    from babel import Locale

    return Locale.parse(_current.get()).languages.get(code.lower(), code)
