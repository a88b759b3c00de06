"""Refusals with a stable code and parameters, besides their English text.

The API answers a refusal with its English ``detail`` and, from here, its ``code`` and
``params`` (README, "Refusals and errors"); the web interface shows the refusal in the user's
language by translating ``REFUSALS[code]`` with the parameters (api/web/refusals.py). The
English texts are marked for extraction with ``N_`` (a no-op here: workflow code imports
nothing of Babel). A code is never renamed: clients may match on it.

Parameters are facts (dates, stages, kinds), never personal data: they travel in the
update's failure like the English text always did. Only rejections carry them, which are not
recorded in the history, so histories replay unchanged.
"""

from __future__ import annotations

from typing import Any

from temporalio.exceptions import ApplicationError


def N_(message: str) -> str:
    """Marks an English message for extraction (core/messages.py); translated where shown."""
    return message


# code -> English text with %(param)s placeholders.
REFUSALS: dict[str, str] = {
    "wrong_stage": N_("cannot %(action)s: the case is in stage '%(stage)s', not '%(allowed)s'"),
    "role_not_allowed": N_(
        "cannot %(action)s: role '%(role)s' may not do this (allowed: %(allowed)s)"
    ),
    "four_eyes": N_("cannot %(action)s: the same person cannot propose and approve (four eyes)"),
    "date_in_future": N_("%(field)s %(day)s is in the future"),
    "counselling_in_future": N_("a counselling session cannot be in the future"),
    "intake_without_counselling": N_(
        "intake cannot be completed before at least one counselling session is recorded"
    ),
    "assessment_waiting": N_("an eligibility assessment is already waiting for approval"),
    "no_assessment_waiting": N_(
        "cannot decide on eligibility: no assessment is waiting for approval"
    ),
    "departure_in_past": N_("the departure date %(departure)s is in the past"),
    "departure_not_future": N_("the departure date %(departure)s must be in the future"),
    "departure_too_soon": N_(
        "the departure date %(departure)s is too soon: the project's policy books flights "
        "from %(earliest)s on"
    ),
    "certificate_expires": N_(
        "the fit-to-travel certificate of member %(member)s expires %(valid_until)s, "
        "before the departure on %(departure)s"
    ),
    "certificate_needs_expiry": N_("a fit-to-travel certificate needs its expiry date (valid_until)"),
    "refusal_needs_reason": N_("a refusal needs the embassy's reason"),
    "escort_decision_needed": N_("an escort decision must say whether an escort is required"),
    "escort_required": N_("an escort is required for this household (escort decision)"),
    "issued_document_needs_validity": N_("an issued travel document needs a validity date in the future"),
    "visit_before_plan_approved": N_("cannot add a monitoring visit before the plan is approved"),
    "visit_closure_pending": N_("cannot add a monitoring visit: a closure proposal is pending"),
    "reassign_closed": N_("cannot reassign the case: it is closed"),
    "remind_closed": N_("cannot remind the assignee: the case is closed"),
    "delivery_plan_not_approved": N_("cannot report a delivery: the reintegration plan is not approved"),
    "no_grant_waiting": N_("no cash grant is waiting for approval"),
    "no_payment_to_retry": N_("no declined grant payment is waiting for a retry"),
    "no_visit_open": N_("no monitoring visit is open"),
    "no_no_show_waiting": N_("no no-show is waiting for a decision"),
    "nothing_to_escalate": N_("nothing to escalate: the embassy refused before filing a request"),
    "rebooking_needs_date": N_("rebooking needs new_departure_date"),
    "no_members_for_grant": N_("the case has no household members to compute a grant for"),
    "no_members_to_travel": N_("the case has no household members to travel"),
    "case_closed": N_("the case is closed"),
    "planned_departure_not_future": N_("the planned departure must be in the future"),
    "withdrawal_reason": N_("the reason must be 'withdrawn' or 'absconded'"),
    "no_closure_proposal": N_("there is no closure proposal waiting for a decision"),
    "no_plan_waiting": N_("there is no reintegration plan waiting for a decision"),
    "documents_already_assessed": N_("travel documents were already assessed"),
}

# Parameters that are themselves English words of the interface (a stage, an action): the
# page translates them too.
TRANSLATED_PARAMS = frozenset({"action", "stage", "allowed", "field", "role"})


def refusal(code: str, **params: Any) -> ApplicationError:
    """A refusal the API returns as a 409 with its code; non-retryable so it never loops."""
    text = REFUSALS[code] % params
    return ApplicationError(
        text, {"code": code, "params": {k: str(v) for k, v in params.items()}},
        type="DecisionRefused", non_retryable=True,
    )
