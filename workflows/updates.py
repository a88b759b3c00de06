"""Every update of the case workflow but two, in the order of a case's path: the decision
(or, for the people service's corrections, the update's name, payload and check) and the
body that applies it. ``case_updates`` makes the workflow's update methods from these rows;
``return_case`` keeps by hand the two whose handling is not a body under a rule (the grant's
decision, whose budget check is patched in; the retired withdrawal).

Adding a decision: declare it in ``workflows/phases``, write its body (``async`` when it calls
activities: its update then runs under the case's lock and checks its rule again), add its
row here.
"""

from __future__ import annotations

import models.household_changes as changes
import workflows.after_departure as after
import workflows.desk as desk  # noqa: PLR0402
import workflows.grant_payment as grant_payment  # noqa: PLR0402
import workflows.handover as handover  # noqa: PLR0402
import workflows.household as household  # noqa: PLR0402
import workflows.minors as minors  # noqa: PLR0402
import workflows.partner_choice as partner_choice  # noqa: PLR0402
import workflows.phases as phases  # noqa: PLR0402
import workflows.preparation as preparation  # noqa: PLR0402
import workflows.supervision as supervision  # noqa: PLR0402
import workflows.travel as travel  # noqa: PLR0402
from workflows.case_updates import Update

UPDATES: tuple[Update, ...] = (
    Update.of(phases.intake.RECORD_COUNSELLING, preparation.record_counselling),
    Update.of(phases.intake.COMPLETE_INTAKE, preparation.complete_intake),
    Update.of(phases.intake.SUBMIT_ELIGIBILITY, preparation.submit_eligibility),
    Update.of(phases.intake.DECIDE_ELIGIBILITY, preparation.decide_eligibility),
    Update.of(phases.intake.RECORD_CONSENT, preparation.record_consent),
    Update.of(phases.partners.CHOOSE_PARTNER, partner_choice.choose),
    Update.of(phases.partners.ANSWER_PARTNER, partner_choice.answer),
    Update.of(phases.vulnerability.RECORD_STEP, preparation.record_vulnerability_step),
    Update.of(phases.vulnerability.RECORD_FINDING, household.record_finding),
    # The people service's corrections: it sends facts once it has checked the personal data.
    Update("update_traveller", changes.UpdateTravellerInput, household.check_update,
           household.update_traveller),
    Update("add_traveller", changes.AddTravellerInput, household.check_add,
           household.add_traveller),
    Update("remove_traveller", changes.RemoveTravellerInput, household.check_remove,
           household.remove_traveller),
    Update.of(phases.documents.ASSESS_DOCUMENTS, preparation.assess_travel_documents),
    Update.of(phases.documents.RECORD_EMBASSY_ANSWER, preparation.record_embassy_answer),
    Update.of(phases.documents.DECIDE_DOCUMENTS, preparation.decide_travel_documents),
    Update.of(phases.grant.PROPOSE_GRANT, travel.propose_grant),
    Update.of(phases.grant.RETRY_PAYMENT, travel.retry_grant_payment),
    Update.of(phases.grant.RECORD_CASH_HANDOVER, grant_payment.record_cash_handover),
    Update.of(phases.grant.RECORD_TRANSFER_OUTCOME, grant_payment.record_transfer_outcome),
    Update.of(phases.travel.CONFIRM_CLEARANCE, preparation.confirm_clearance),
    Update.of(phases.travel.REQUEST_BOOKING, travel.request_booking),
    Update.of(phases.travel.CONFIRM_DEPARTURE, travel.confirm_departure),
    Update.of(phases.travel.DECIDE_NO_SHOW, travel.decide_no_show),
    Update.of(phases.travel_desk.RECORD_DESK_BOOKING, desk.record_booking),
    Update.of(phases.travel_desk.CHANGE_DESK_BOOKING, desk.change_booking),
    Update.of(phases.travel_desk.CANCEL_DESK_BOOKING, desk.cancel_booking),
    Update.of(phases.arrival.HAND_OVER, handover.requested),
    Update.of(phases.arrival.CONFIRM_ARRIVAL, after.confirm_arrival),
    Update.of(phases.arrival.RECORD_ASSISTANCE, after.record_assistance),
    Update.of(phases.arrival.RECORD_MINOR_HANDOVER, minors.record_handover),
    Update.of(phases.reintegration.PROPOSE_PLAN, after.propose_plan),
    Update.of(phases.reintegration.DECIDE_PLAN, after.decide_plan),
    Update.of(phases.reintegration.REPORT_DELIVERY, after.report_delivery),
    Update.of(phases.monitoring.REPORT_MONITORING, after.report_monitoring),
    Update.of(phases.monitoring.ADD_VISIT, after.add_monitoring_visit),
    Update.of(phases.monitoring.END_MONITORING, after.end_monitoring),
    Update.of(phases.monitoring.REPORT_MINOR_FOLLOW_UP, minors.report_follow_up),
    Update.of(phases.closure.PROPOSE_CLOSURE, after.propose_closure),
    Update.of(phases.closure.DECIDE_CLOSURE, after.decide_closure),
    Update.of(phases.supervision.ASSIGN, supervision.assign),
    Update.of(phases.supervision.REMIND_ASSIGNEE, supervision.remind_assignee),
)
