"""Vocabulary shared by tables, API schemas and workflow payloads."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    INTAKE = "intake"
    ELIGIBILITY = "eligibility"
    CONSENT = "consent"
    VULNERABILITY = "vulnerability"
    TRAVEL_DOCUMENTS = "travel_documents"
    CLEARANCE = "clearance"
    TRAVEL = "travel"
    DEPARTED = "departed"
    ARRIVAL = "arrival"
    REINTEGRATION = "reintegration"
    MONITORING = "monitoring"
    CLOSURE = "closure"
    CLOSED = "closed"


class CaseStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class LegalSituation(StrEnum):
    REJECTED_ASYLUM_SEEKER = "rejected_asylum_seeker"
    IRREGULAR_STAY = "irregular_stay"
    VISA_OVERSTAY = "visa_overstay"
    EXPIRED_RESIDENCE_PERMIT = "expired_residence_permit"
    ASYLUM_APPLICATION_WITHDRAWN = "asylum_application_withdrawn"
    OTHER = "other"


class LocationType(StrEnum):
    DETENTION_CENTRE = "detention_centre"
    RECEPTION_CENTRE = "reception_centre"
    COMMUNITY = "community"
