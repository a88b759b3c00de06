"""Rendering pages: the Jinja2 environment, the header's user and menu, the CSRF token."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.policy import allowed
from api.web import sentences, validation
from api.web.security import CSRF_FIELD, csrf_token, remember_csrf
from core import i18n
from core.i18n import N_
from workflows.refusals import REFUSALS, TRANSLATED_PARAMS

HERE = Path(__file__).resolve().parent.parent
STATIC_DIR = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.add_extension("jinja2.ext.i18n")
templates.env.globals["CSRF_FIELD"] = CSRF_FIELD
# Every page speaks the language of its request (core/i18n.py): the signed-in user's, or the
# browser's on the sign-in page. `{% trans %}`, `_()`, `ngettext` read it when rendering.
# Jinja's newstyle wrappers put the variables in themselves: the raw lookups go in here.
templates.env.install_gettext_callables(  # type: ignore[attr-defined]
    lambda s: i18n.translations(i18n.current()).gettext(s),
    lambda s, p, n: i18n.translations(i18n.current()).ngettext(s, p, n),
    newstyle=True,
    pgettext=lambda c, s: i18n.translations(i18n.current()).pgettext(c, s),
)
templates.env.policies["ext.i18n.trimmed"] = True
templates.env.globals["LANGUAGES"] = i18n.LANGUAGES
templates.env.globals["current_language"] = i18n.current
templates.env.filters["human"] = lambda v: str(getattr(v, "value", v) or "").replace("_", " ")
templates.env.filters["human_pair"] = lambda v: (str(v), str(v).replace("_", " "))
# A message from code (a form's label, a menu entry, a refusal) in the page's language.
templates.env.filters["t"] = lambda v: i18n.gettext(str(v)) if v else ""
templates.env.filters["translated_options"] = lambda opts: [(v, i18n.gettext(t)) for v, t in opts]
# The workflow's English sentences (awaiting, warnings, timeline), read back and translated.
templates.env.filters["awaiting"] = sentences.awaiting_text
templates.env.filters["warning"] = sentences.warning_text
templates.env.filters["task"] = sentences.task_text
templates.env.globals["timeline_summary"] = sentences.timeline_summary
templates.env.filters["field_error"] = validation.field_error


def _words(value: str) -> str:
    """A parameter naming the interface's words (an action, stages, roles), translated."""
    sep = "', '" if "', '" in value else ", "
    return sep.join(i18n.gettext(v.replace("_", " ")) for v in value.split(sep))


def refusal_text(state: dict[str, Any]) -> str:
    """A refused decision in the page's language: from its code and parameters where it has
    one (workflows/refusals.py), else the workflow's English reason."""
    code = state.get("refusal_code")
    if code in REFUSALS:
        params = {
            k: _words(v) if k in TRANSLATED_PARAMS else v
            for k, v in (state.get("refusal_params") or {}).items()
        }
        try:
            return i18n.gettext(REFUSALS[code]) % params
        except (KeyError, TypeError, ValueError):
            pass
    return str(state.get("refusal") or "")


templates.env.globals["refusal_text"] = refusal_text


# What a page confirms after a post (?done=...): a decision's form key or a word of the route.
DONE: dict[str, str] = {
    "opened": N_("case opened"),
    "note-added": N_("note added"),
    "note-changed": N_("note changed"),
    "member-left": N_("member left the household"),
    "member-added": N_("member added"),
    "person-corrected": N_("person corrected"),
    "bank-account-recorded": N_("bank account recorded"),
    "referral-recorded": N_("referral recorded"),
    "glass-broken": N_("access granted"),
    "consent-recorded": N_("consent recorded"),
    "minor-handover-recorded": N_("minor's handover recorded"),
    "needs-assessment-recorded": N_("needs assessment recorded"),
    "declaration-generated": N_("declaration generated"),
    "grant-receipt-generated": N_("grant receipt generated"),
    "added": N_("added"),
}


def done_text(done: str) -> str:
    """In English the key as it always read ("note added", "counselling"); in another
    language the decision's title or the route's words, translated."""
    if i18n.current() == i18n.DEFAULT:
        return done.replace("-", " ")
    from api.web.catalogue import BY_KEY

    decision = BY_KEY.get(done)
    if decision is not None and decision.form is not None:
        return i18n.gettext(decision.form.title)
    return i18n.gettext(DONE.get(done, done.replace("-", " ")))


templates.env.globals["done_text"] = done_text

_MEMBER = re.compile(r"^(?:(?P<kind>.+) \()?member (?P<n>\d+)\)?$")
_VISIT = re.compile(r"^visit (?P<n>\d+), due (?P<day>\d{4}-\d{2}-\d{2})$")
# A minor's follow-up (workflows/phases/monitoring.py _follow_up_offers).
_FOLLOW_UP = re.compile(r"^(?P<kind>family tracing|best interests) (?P<n>\d+), due (?P<day>\d{4}-\d{2}-\d{2})$")


def offer_suffix(suffix: str) -> str:
    """A decision's form title suffix (workflows/phases: "member 2", "visit 1, due ...", a
    clearance kind) in the page's language; a reference stays as it is."""
    if i18n.current() == i18n.DEFAULT or not suffix:
        return suffix
    if m := _MEMBER.match(suffix):
        member = i18n.gettext("member %(n)s", n=m["n"])
        return f"{i18n.gettext(m['kind'])} ({member})" if m["kind"] else member
    if m := _VISIT.match(suffix):
        return i18n.gettext("visit %(n)s, due %(day)s", n=m["n"], day=i18n.format_date(m["day"]))
    if m := _FOLLOW_UP.match(suffix):
        return i18n.gettext("%(kind)s %(n)s, due %(day)s", kind=i18n.gettext(m["kind"]), n=m["n"],
                            day=i18n.format_date(m["day"]))
    return i18n.gettext(suffix)


templates.env.filters["suffix"] = offer_suffix
# Extracted for offer_suffix (core/messages.py reads N_ calls).
N_("member %(n)s")
N_("visit %(n)s, due %(day)s")
N_("%(kind)s %(n)s, due %(day)s")
# Why a partner package was sent (workflows/partner_messages.py _reason) and its kind.
N_("first")
N_("rebooked")
N_("changed")
N_("cancelled")
N_("pre-arrival")
templates.env.filters["date"] = i18n.format_date
templates.env.filters["datetime"] = i18n.format_datetime
templates.env.filters["number"] = i18n.format_number
templates.env.filters["money"] = i18n.format_money
templates.env.filters["country"] = i18n.country_name
templates.env.filters["language"] = i18n.language_name

# The menu: (label, path); an entry shows only when the user's role may open it.
MENU: list[tuple[str, str]] = [
    (N_("Dashboard"), "/ui"),
    (N_("Cases"), "/ui/cases"),
    (N_("New case"), "/ui/cases/new"),
    (N_("Departures"), "/ui/departures"),
    (N_("Travel desk"), "/ui/travel-desk"),
    (N_("My cases"), "/ui/partner"),
    (N_("Proposed cases"), "/ui/exchange/proposals"),
    (N_("Stuck cases"), "/ui/supervision/stuck"),
    (N_("Reports"), "/ui/reports"),
    (N_("Grant transfers"), "/ui/finance"),
    (N_("Services"), "/ui/services"),
    (N_("Break glass"), "/ui/break-glass"),
]


def page_language(request: Request) -> str:
    """The signed-in user's language; before sign-in, the browser's Accept-Language."""
    user = getattr(request.state, "user", None)
    if user is not None and getattr(user, "language", None):
        return i18n.supported(user.language)
    return i18n.negotiate(request.headers.get("accept-language"))


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    user = getattr(request.state, "user", None)
    language = i18n.use(page_language(request))
    menu = [
        (i18n.gettext(label), path) for label, path in MENU
        if user is not None and allowed("GET", path, user.role)
    ]
    ctx = {
        "user": user,
        "menu": menu,
        "path": request.url.path,
        "csrf": csrf_token(request),
        "language": language,
        # The banner: what is simulated here is not happening in the world.
        "simulated": request.app.state.settings.simulated_systems,
        **(context or {}),
    }
    response = templates.TemplateResponse(request, name, ctx, status_code=status)
    remember_csrf(request, response, request.app.state.settings)
    return response
