"""The case's sentences written in English by the workflow, shown in the page's language.

A timeline entry keeps the English summary it was recorded with (history is never
rewritten), and a case's ``awaiting`` and warnings are English sentences the workflow builds.
The page reads each back against the English patterns below, by the entry's kind: a
sentence that matches one is shown as its translation with the same parameters (dates in
the page's format, the interface's words translated); one that matches none (an older or a
new wording) is shown as it was stored. The patterns are the workflow's sentences
(workflows/*.py ``case.decided``, ``call_outcome``, ``record``; workflows/task_rules.py,
tasks.py; rules.py and aftercare.py ``warnings``): a pattern changed there is changed here.
"""

from __future__ import annotations

import re
from functools import cache

from core import i18n
from core.i18n import N_

# Parameters that are the interface's words (a stage, a kind, a choice): translated.
WORDS = frozenset({"stage", "kind", "choice", "reason", "method", "to", "role", "subject",
                   "purpose", "status", "why", "verdict"})
# Words those parameters carry that no enumeration declares (a payment's method, why a
# request to the travel desk was withdrawn).
PARAM_WORDS = (N_("cash"), N_("bank transfer"), N_("a new booking was requested"),
               N_("installation"), N_("referral"))
# Parameters that are another system's words and may hold anything.
FREE = frozenset({"problem", "detail"})
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

TIMELINE: dict[str, tuple[str, ...]] = {
    "stage_change": (N_("stage: %(stage)s"),),
    "note": (N_("counselling session held on %(day)s"),),
    "reminder": (
        N_("partner reminded: %(subject)s"),
        N_("%(role)s reminded: %(subject)s"),
        N_("partner told: %(subject)s"),
    ),
    "decision": (
        N_("intake completed"),
        N_("eligibility assessed: eligible"),
        N_("eligibility assessed: not eligible"),
        N_("eligibility assessment approved"),
        N_("eligibility assessment sent back"),
        N_("informed consent recorded"),
        N_("informed consent recorded (no sharing with the authorities)"),
        N_("%(kind)s done for %(member)s"),
        N_("travel documents assessed for departure on %(day)s"),
        N_("embassy answer recorded: issued"),
        N_("embassy answer recorded: refused"),
        N_("embassy answer recorded: issued, fee %(fee)s %(currency)s"),
        N_("embassy answer recorded: refused, fee %(fee)s %(currency)s"),
        N_("travel document: %(choice)s"),
        N_("clearance confirmed: %(kind)s"),
        N_("booking requested for %(day)s"),
        N_("departure confirmed on %(day)s"),
        N_("no-show: %(choice)s"),
        N_("cash grant proposed: %(amount)s %(currency)s"),
        N_("proposed cash grant recomputed: %(amount)s %(currency)s"),
        N_("cash grant approved"),
        N_("cash grant rejected"),
        N_("grant payment retried"),
        N_("cash grant handed over on %(day)s: %(amount)s %(currency)s"),
        N_("grant transfer paid on %(day)s"),
        N_("grant transfer returned by the bank"),
        N_("booking %(booking_ref)s recorded by the travel desk: %(flight)s on %(day)s"),
        N_("booking %(booking_ref)s changed by the travel desk: %(flight)s on %(day)s"),
        N_("booking %(booking_ref)s cancelled by the travel desk"),
        N_("case closed: %(reason)s"),
        N_("member %(member)s corrected: %(fields)s"),
        N_("later finding: %(kind)s for member %(member)s"),
        N_("finding withdrawn: %(kind)s no longer applies to %(member)s"),
        N_("%(purpose)s consent %(status)s for %(persons)s person(s)"),
        N_("%(purpose)s consent %(status)s for %(persons)s person(s), %(informed)s "
           "recipient(s) told"),
        N_("handover and follow-ups of %(n)s unaccompanied minor(s) scheduled"),
        N_("unaccompanied minor handed over to a %(to)s on %(day)s (identity checked), "
           "record %(record)s"),
        N_("unaccompanied minor handed over to a %(to)s on %(day)s (identity NOT checked), "
           "record %(record)s"),
        N_("minor's %(kind)s follow-up %(n)s done on %(day)s"),
        N_("minor's %(kind)s follow-up %(n)s done on %(day)s (late)"),
        N_("member %(member)s joined the household"),
        N_("member %(member)s left the household"),
        N_("case assigned to %(assignee)s"),
        N_("case assigned to %(assignee)s (was %(previous)s)"),
        N_("assignee reminded by a supervisor"),
        N_("reintegration partner chosen: %(partner)s"),
        N_("reintegration partner chosen: %(partner)s (%(region)s)"),
        N_("partner %(partner)s accepted the case"),
        N_("partner %(partner)s declined the case"),
        N_("handover to the partner requested"),
        N_("arrival confirmed on %(day)s"),
        N_("post-arrival assistance: %(kind)s on %(day)s, %(cost)s %(currency)s"),
        N_("reintegration plan proposed: %(n)s component(s), %(total)s %(currency)s "
           "(cap %(cap)s)"),
        N_("reintegration plan sent back"),
        N_("reintegration plan approved"),
        N_("delivered: %(kind)s (%(component)s) on %(day)s, %(cost)s of %(budget)s "
           "%(currency)s"),
        N_("monitoring visit %(n)s reported: score %(overall)s (economic %(economic)s, "
           "social %(social)s, psychosocial %(psychosocial)s)"),
        N_("monitoring visit %(n)s reported (late): score %(overall)s (economic %(economic)s, "
           "social %(social)s, psychosocial %(psychosocial)s)"),
        N_("extra monitoring visit added, due %(day)s"),
        N_("monitoring ended early (visits %(visits)s dropped)"),
        N_("closure proposed: %(reason)s"),
        N_("closure (%(reason)s) sent back"),
        N_("closure approved: %(reason)s"),
    ),
    "external_call": (
        N_("travel document requested from the embassy"),
        N_("travel document request refused by the embassy"),
        N_("travel document request withdrawn"),
        N_("border guard and migration office notified of the planned departure"),
        N_("booking refused"),
        N_("travel booked for %(day)s"),
        N_("booking cancelled"),
        N_("booking for %(day)s requested from the travel desk"),
        N_("booking request to the travel desk withdrawn: %(why)s"),
        N_("cash grant payment declined"),
        N_("cash grant to be paid by %(method)s"),
        N_("cash grant paid"),
        N_("handover to a partner failed"),
        N_("case handed over to partner %(partner)s"),
        N_("pre-arrival package not sent"),
        N_("pre-arrival package sent to partner %(partner)s (%(why)s)"),
        N_("case not proposed"),
        N_("case proposed to partner %(partner)s (another Homeward installation)"),
        N_("case withdrawn from partner %(partner)s (another partner chosen)"),
        N_("case withdrawn from partner %(partner)s (case closed before departure)"),
    ),
}

# A reminder's subject with parameters (workflows/timers.py, minors.py, partner_choice.py);
# the literal ones are extracted where the workflow sends them (core/messages.py).
SUBJECTS: tuple[str, ...] = (
    N_("monitoring visit %(n)s due on %(day)s"),
    N_("%(kind)s follow-up %(n)s of an unaccompanied minor due on %(day)s"),
    N_("a returnee's case is proposed to you"),
)

# What a case waits for (workflows/task_rules.py, tasks.py) with parameters; the literal
# ones are translated as they are (the ``awaiting`` filter).
AWAITING: tuple[str, ...] = (
    N_("%(n)s vulnerability step(s) to complete before departure"),
    N_("the embassy's answer to request %(ref)s"),
    N_("the travel desk's booking for %(day)s"),
    N_("the border guard's confirmation of the departure on %(day)s"),
    N_("decision on the no-show of booking %(booking_ref)s: rebook or suspend"),
    N_("the partner's confirmation of the arrival (partner %(partner)s)"),
    N_("monitoring visit %(n)s, due on %(day)s"),
    N_("the %(kind)s follow-up %(n)s of an unaccompanied minor, due on %(day)s"),
    N_("a reintegration partner: %(problem)s; add one, then hand over again"),
    N_("a reintegration plan proposal"),
    N_("a new reintegration plan (the last one was sent back)"),
    N_("a closure proposal (monitoring is over)"),
    N_("a closure proposal: no consent to share data with a reintegration partner"),
)

# A work queue's open task with parameters (workflows/task_rules.py ``Open``'s summary); the
# literal ones are translated as they are.
TASKS: tuple[str, ...] = (
    N_("complete %(n)s vulnerability step(s)"),
    N_("the embassy's answer to request %(ref)s"),
    N_("book the travel for %(day)s"),
    N_("book the travel for %(day)s, with an escort"),
    N_("confirm the departure on %(day)s"),
    N_("decide on the no-show of booking %(booking_ref)s"),
    N_("approve closing the case (%(reason)s)"),
    N_("report monitoring visit %(n)s (due %(day)s)"),
    N_("report the %(kind)s follow-up %(n)s of an unaccompanied minor (due %(day)s)"),
)

# The case's warnings (workflows/rules.py, workflows/aftercare.py ``warnings``).
WARNINGS: tuple[str, ...] = (
    N_("the cash grant payment was declined: %(problem)s"),
    N_("lead time: registered %(days)s calendar days before departure, the rule is at "
       "least %(rule)s"),
    N_("lead time: flight details sent %(days)s working days before departure, the rule is "
       "at least %(rule)s"),
    N_("departure %(departure)s is after the voluntary-departure deadline %(deadline)s"),
    N_("the voluntary-departure deadline %(deadline)s has passed"),
    N_("the voluntary-departure deadline %(deadline)s is in %(days)s days"),
    N_("fit-to-travel certificate of member %(member)s expired %(day)s"),
    N_("fit-to-travel certificate of member %(member)s expires %(day)s, before departure "
       "%(departure)s"),
    N_("departure blocked: %(n)s vulnerability step(s) outstanding"),
    N_("arrival not confirmed by the partner since %(day)s"),
    N_("monitoring visit %(n)s (due %(day)s) is overdue"),
    N_("%(kind)s follow-up %(n)s of an unaccompanied minor (due %(day)s) is overdue"),
)

_PARAM = re.compile(r"%\((\w+)\)s")


@cache
def _pattern(template: str) -> re.Pattern[str]:
    """The English sentence's shape: its literal parts, and a group for each parameter."""
    out, seen, at = [], set(), 0
    for m in _PARAM.finditer(template):
        out.append(re.escape(template[at:m.start()]))
        name = m[1]
        # A parameter holds no "; " (what joins the parts of ``awaiting``) unless it is
        # another system's words.
        value = ".+?" if name in FREE else "[^;]+?"
        out.append(f"(?P={name})" if name in seen else f"(?P<{name}>{value})")
        seen.add(name)
        at = m.end()
    out.append(re.escape(template[at:]))
    return re.compile("".join(out), re.DOTALL)


def _param(name: str, value: str) -> str:
    if name == "subject":
        return _one(value, SUBJECTS)
    if _DAY.match(value):
        return i18n.format_date(value)
    if name in WORDS:
        return i18n.gettext(value.replace("_", " "))
    return value


def translated(text: str | None, templates: tuple[str, ...]) -> str:
    """``text`` in the page's language when it is one of ``templates``, else as it is."""
    text = str(text or "")
    if i18n.current() == i18n.DEFAULT or not text:
        return text
    for template in templates:
        m = _pattern(template).fullmatch(text)
        if m is None:
            continue
        try:
            return i18n.gettext(template) % {k: _param(k, v) for k, v in m.groupdict().items()}
        except (KeyError, TypeError, ValueError):
            return text
    return text


def timeline_summary(kind: object, summary: str | None) -> str:
    """A timeline entry's summary in the page's language (by the entry's kind)."""
    return translated(summary, TIMELINE.get(str(getattr(kind, "value", kind)), ()))


def _one(text: str, templates: tuple[str, ...]) -> str:
    said = translated(text, templates)
    return said if said != text else i18n.gettext(text)


def awaiting_text(value: str | None) -> str:
    """What the case waits for (its parts joined by "; "), each part translated with its
    parameters; a part whose own parameter holds a "; " is read whole."""
    parts, out = str(value or "").split("; "), []
    i = 0
    while i < len(parts):
        for j in range(len(parts), i + 1, -1):  # the longest run of parts that is one
            joined = "; ".join(parts[i:j])
            if translated(joined, AWAITING) != joined:
                out.append(translated(joined, AWAITING))
                i = j
                break
        else:
            out.append(_one(parts[i], AWAITING))
            i += 1
    return "; ".join(out)


def task_text(value: str | None) -> str:
    """An open task's line in a work queue in the page's language."""
    return _one(str(value or ""), TASKS)


def warning_text(value: str | None) -> str:
    """One of the case's warnings in the page's language."""
    return _one(str(value or ""), WARNINGS)
