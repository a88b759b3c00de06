"""A form's field errors in the page's language.

The routes keep pydantic's English message (``str(e["msg"])``, the JSON API's words) and
route it to its field by it (api/web/case_form.py reads it); the page shows it through the
``field_error`` filter: pydantic's own messages and the models' validators that web forms
reach are read back against the patterns below and shown translated with their figures;
any other message is shown as it is. Several errors in one line (``field: why; field:
why``) are translated one by one, the field's name kept.
"""

from __future__ import annotations

import re

from core import i18n
from core.i18n import N_

# (the English message as a pattern, what the page says): pydantic 2's messages first.
PATTERNS: tuple[tuple[str, str], ...] = (
    (r"Field required", N_("this field is required")),
    (r"Input should be a valid date or datetime, .*", N_("enter a valid date")),
    (r"Input should be a valid date.*", N_("enter a valid date")),
    (r"Input should be a valid datetime.*", N_("enter a valid date and time")),
    (r"Input should be a valid integer.*", N_("enter a whole number")),
    (r"Input should be a valid (?:number|decimal).*", N_("enter a number")),
    (r"Input should be greater than or equal to (?P<limit>\S+)",
     N_("enter %(limit)s or more")),
    (r"Input should be greater than (?P<limit>\S+)", N_("enter more than %(limit)s")),
    (r"Input should be less than or equal to (?P<limit>\S+)", N_("enter %(limit)s or less")),
    (r"Input should be less than (?P<limit>\S+)", N_("enter less than %(limit)s")),
    (r"Decimal input should have no more than (?P<n>\d+) decimal places?",
     N_("enter at most %(n)s decimal places")),
    (r"Decimal input should have no more than (?P<n>\d+) digits? in total",
     N_("enter at most %(n)s digits")),
    (r"String should have at least (?P<n>\d+) characters?",
     N_("enter at least %(n)s characters")),
    (r"String should have at most (?P<n>\d+) characters?", N_("enter at most %(n)s characters")),
    (r"String should match pattern .*", N_("this value does not have the expected form")),
    (r"Input should be a valid boolean.*", N_("choose yes or no")),
    (r"Input should be '.*", N_("choose one of the offered values")),
    (r"List should have at least (?P<n>\d+) items? after validation.*",
     N_("give at least %(n)s")),
    (r"value is not a valid email address.*", N_("enter a valid e-mail address")),
    # The models' validators a web form reaches (models/*.py).
    (r"must be a two-letter country code", N_("must be a two-letter country code")),
    (r"must not be in the future", N_("must not be in the future")),
    (r"lists a vulnerability twice", N_("lists a vulnerability twice")),
    (r"passport_valid_until is required with a passport_number",
     N_("the passport's validity date is required with a passport number")),
    (r"a dependant cannot be the principal applicant",
     N_("a dependant cannot be the principal applicant")),
    (r"voluntary_departure_deadline is before return_decision_date",
     N_("the voluntary departure deadline is before the return decision date")),
    (r"a note needs some text", N_("a note needs some text")),
    (r"a note cannot hold control characters", N_("a note cannot hold control characters")),
    (r"reason: a partner declining a case says why", N_("a partner declining a case says why")),
    (r"a segment flies between two different airports",
     N_("a segment flies between two different airports")),
    (r"'(?P<value>.*)' is not an IATA airport code \(three letters, e\.g\. RIX\)",
     N_("'%(value)s' is not an IATA airport code (three letters, e.g. RIX)")),
    (r"'(?P<value>.*)' is not a flight number \(airline code and digits, e\.g\. BT123\)",
     N_("'%(value)s' is not a flight number (airline code and digits, e.g. BT123)")),
    (r"not a valid IBAN: .*", N_("not a valid IBAN")),
    (r"not a valid BIC: .*", N_("not a valid BIC")),
    (r"other_beneficiaries is for a community component",
     N_("other beneficiaries are counted for a community component only")),
)
_COMPILED = tuple((re.compile(p, re.DOTALL), m) for p, m in PATTERNS)

# The fields that forms answering in one line (``field: why``) name, as their labels say:
# the bank account, a consent, a minor's handover, a referral and its consent.
FIELD_NAMES = {
    "iban": N_("IBAN"), "bic": N_("BIC"), "holder": N_("Account holder"),
    "member_id": N_("Person"), "purpose": N_("Sharing with"), "status": N_("Consent"),
    "on": N_("On"), "given_on": N_("On"), "given_by": N_("Stated by"),
    "document_id": N_("Signed form"), "handed_over_on": N_("Handed over on"),
    "to_kind": N_("To a"), "to_name": N_("Name (person or institution)"),
    "relationship": N_("Relationship to the child"), "identity_checked": N_("Identity checked"),
    "identity_check": N_("How"), "provider_id": N_("Service"), "reason": N_("Reason"),
    "channel": N_("How"),
}
_NAMED = re.compile(r"^(?P<name>[\w.-]+): (?P<rest>.+)$", re.DOTALL)


def message(text: str) -> str:
    """One field error in the page's language (as it is when no pattern knows it)."""
    for pattern, said in _COMPILED:
        m = pattern.fullmatch(text)
        if m is not None:
            return i18n.gettext(said) % m.groupdict() if m.groupdict() else i18n.gettext(said)
    return text


def field_error(value: object) -> str:
    """A field's error, or several (``field: why; field: why``), in the page's language."""
    text = str(value or "")
    if i18n.current() == i18n.DEFAULT or not text:
        return text
    out = []
    for part in text.split("; "):
        if (said := message(part)) != part:
            out.append(said)
        elif (m := _NAMED.match(part)) is not None and (said := message(m["rest"])) != m["rest"]:
            name = FIELD_NAMES.get(m["name"])
            out.append(f"{i18n.gettext(name) if name else m['name']}: {said}")
        else:
            out.append(part)
    return "; ".join(out)
