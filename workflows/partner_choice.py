"""The reintegration partner chosen with the returnee before departure: the choice, the
partner's answer, and the timers that offer it the case, chase its answer and send the
pre-arrival package (first, then on every change of the travel).

The workflow keeps the partner's id, its answer and dates; names, the needs assessment and
the contact are read from the database by the activities (``activities/partners.py``); what
the partner is sent is workflows/partner_messages.py. Everything the timers do goes behind
``patches.PARTNER_BEFORE_DEPARTURE``; only cases whose partner was chosen (an update that did
not exist before) reach it.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

from temporalio import workflow

from models.enums import BookingStatus, CaseStatus, Role
from models.external import PartnerChoiceCheck
from models.payloads import CaseState
from models.reintegration import PartnerAnswer, PartnerChoice
from models.schemas_partners import ChoosePartnerInput, PartnerAnswerInput
from workflows import calls, effects, partner_messages, patches, rules
from workflows.refusals import refusal
from workflows.run import CaseRun

CHOOSABLE = rules.BEFORE_DEPARTURE


# ---- checks (pure; the validators of the two decisions) ----------------------------------


def check_choice(s: CaseState, data: ChoosePartnerInput, today: date) -> None:
    rules.require_stage(s, CHOOSABLE, "choose the reintegration partner")
    if s.status != CaseStatus.ACTIVE:
        raise refusal("partner_choice_case_status", status=s.status)
    p = s.partner
    if p is not None and p.open and p.partner_id == data.partner_id and p.region == data.region:
        raise refusal("partner_already_chosen", partner=data.partner_id)


def check_answer(s: CaseState, data: PartnerAnswerInput, today: date) -> None:
    p = s.partner
    if p is None or not p.open:
        raise refusal("no_partner_chosen")
    if data.actor.role == Role.PARTNER and data.actor.organisation != p.partner_id:
        raise refusal("not_proposed_to_you")
    if p.offered_at is None:
        raise refusal("partner_not_offered")
    if p.answer != PartnerAnswer.PENDING:
        raise refusal("partner_already_answered", partner=p.partner_id, answer=p.answer)
    if s.departed_on is not None or s.stage not in CHOOSABLE:
        raise refusal("answer_after_departure")


# ---- the decisions -----------------------------------------------------------------------


async def choose(case: CaseRun, data: ChoosePartnerInput) -> CaseState:
    state = case.state
    verdict = await calls.check_partner_choice(
        PartnerChoiceCheck(
            case_id=state.case_id,
            partner_id=data.partner_id,
            country=state.country_of_origin,
            region=data.region,
        )
    )
    if not verdict.ok:
        if verdict.serving is None:  # an answer recorded before it named them
            raise rules.refuse(verdict.refusal or f"partner {data.partner_id} cannot be chosen")
        where = state.country_of_origin + (f" ({data.region})" if data.region else "")
        if verdict.serving:
            raise refusal("partner_not_serving", partner=data.partner_id, where=where,
                          serving=", ".join(verdict.serving))
        raise refusal("no_partner_serving", partner=data.partner_id, where=where)
    old = state.partner
    if old is not None and old.open and old.partner_id != data.partner_id:
        state.partners_before.append(old.partner_id)
        # Offered the case and not declined: told it no longer gets it.
        await partner_messages.withdraw(case, old, "another_partner")
    state.partner = PartnerChoice(
        partner_id=data.partner_id,
        region=data.region,
        chosen_by=data.actor.id,
        chosen_at=workflow.now(),
    )
    where = f" ({data.region})" if data.region else ""
    case.decided(data.actor, f"reintegration partner chosen: {data.partner_id}{where}")
    case.touch()
    return state


async def answer(case: CaseRun, data: PartnerAnswerInput) -> CaseState:
    state, p = case.state, case.state.partner
    assert p is not None
    p.answered_at, p.answered_by, p.reason = workflow.now(), data.actor.id, data.reason
    if data.accept:
        p.answer = PartnerAnswer.ACCEPTED
        case.decided(data.actor, f"partner {p.partner_id} accepted the case", data.reason)
        case.touch()
        return state
    p.answer = PartnerAnswer.DECLINED
    state.partners_before.append(p.partner_id)
    case.decided(data.actor, f"partner {p.partner_id} declined the case", data.reason)
    body = f"partner {p.partner_id} declined the case: {data.reason}; choose another partner"
    await asyncio.gather(
        effects.notify(case, Role.SUPERVISOR, "partner declined the case", body),
        effects.notify(case, Role.CASEWORKER, "partner declined the case", body),
    )
    case.touch()
    return state


# ---- timers ------------------------------------------------------------------------------


def _shared(state: CaseState) -> bool:
    return state.consent is not None and state.consent.share_with_partner


def _live(state: CaseState) -> PartnerChoice | None:
    """The chosen partner while the timers have something to do for it."""
    p = state.partner
    if p is None or not p.open or state.status == CaseStatus.CLOSED:
        return None
    if state.departed_on is not None or state.stage not in CHOOSABLE:
        return None
    return p


def _package_due(state: CaseState, p: PartnerChoice) -> datetime | None:
    b = partner_messages.last_booking(state)
    if p.offered_at is None or b is None:
        return None
    if not p.package_for:
        if b.status != BookingStatus.BOOKED or not b.flight:
            return None  # nothing to tell yet (a desk booking not yet made)
        start = datetime.combine(b.departure_date, time(0), tzinfo=UTC)
        return start - timedelta(days=state.policy.partners.pre_arrival_days)
    return None if partner_messages.signature(b) == p.package_for else workflow.now()


def next_due(state: CaseState) -> list[datetime]:
    p = _live(state)
    if p is None:
        return []
    dues = []
    if p.offered_at is None and _shared(state):
        dues.append(workflow.now())
    if p.answer == PartnerAnswer.PENDING and p.answer_due and not p.supervisor_told:
        dues.append(p.answer_due)
    package = _package_due(state, p)
    if package is not None:
        dues.append(package)
    return dues


async def fire(case: CaseRun) -> None:
    """Offer the case to the chosen partner, chase a missing answer, send the pre-arrival
    package: in this order (replay depends on it)."""
    state, now = case.state, workflow.now()
    p = _live(state)
    if p is None or not workflow.patched(patches.PARTNER_BEFORE_DEPARTURE):
        return
    if p.offered_at is None and _shared(state):
        p.offered_at = now
        p.answer_due = now + timedelta(days=state.policy.partners.answer_days)
        # In-app and e-mail to the partner organisation's users (reference only, no names).
        subject = "a returnee's case is proposed to you"
        await effects.remind(
            case, Role.PARTNER, f"partner told: {subject}", subject,
            f"please accept or decline the case by {p.answer_due:%Y-%m-%d} on your partner page",
            partner_org=p.partner_id,
        )
        if workflow.patched(patches.PARTNER_EXCHANGE_PROPOSAL):
            await partner_messages.propose(case, p)
        case.touch()
    if (
        p.answer == PartnerAnswer.PENDING and p.answer_due and not p.supervisor_told
        and now >= p.answer_due
    ):
        p.supervisor_told = True
        body = (
            f"partner {p.partner_id} has not accepted or declined the case since "
            f"{p.offered_at:%Y-%m-%d} (due {p.answer_due:%Y-%m-%d}); choose another partner"
        )
        await asyncio.gather(
            effects.notify(case, Role.SUPERVISOR, "partner has not answered", body),
            effects.notify(case, Role.CASEWORKER, "partner has not answered", body),
        )
        case.touch()
    due = _package_due(state, p)
    if due is not None and now >= due:
        await partner_messages.send_package(case, p)


async def before_closing(case: CaseRun) -> None:
    """A case closed before departure: the partner that was told the travel is told it is
    cancelled (its booking is cancelled next, and the timers stop with the case)."""
    p = _live(case.state)
    if p is None or not p.package_for:
        return
    if workflow.patched(patches.PARTNER_BEFORE_DEPARTURE):
        await partner_messages.send_package(case, p, cancelled=True)


def handover_partner(state: CaseState) -> str | None:
    """The partner a departed case is handed to: the one chosen, unless it declined."""
    p = state.partner
    return p.partner_id if p is not None and p.open else None


def shown_partner(state: CaseState) -> str | None:
    """The partner organisation that sees the case: the one it was handed over to, else the
    chosen one once the returnee consented to share data with it."""
    if state.handover is not None:
        return state.handover.partner_id
    p = state.partner
    if p is not None and p.open and _shared(state) and p.offered_at is not None:
        return p.partner_id
    return None

