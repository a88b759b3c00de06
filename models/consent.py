"""Consent by purpose: each person's consent to share their data for one purpose (the
reintegration partner, a referral provider, the embassy, the receiving country's
installation), given, refused or withdrawn on a date; and the record of minors handed over
at arrival. The rule of what may be sent is ``api/consent.py``."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel, col, select

from models.tables import enum_type, utcnow


class Purpose(StrEnum):
    PARTNER = "partner"  # the reintegration partner of the country of origin
    REFERRAL = "referral"  # a specialised service the person is referred to
    EMBASSY = "embassy"  # the embassy or consulate issuing travel documents
    INSTALLATION = "installation"  # the receiving country's installation (mission)


class ConsentStatus(StrEnum):
    GIVEN = "given"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class PurposeConsent(SQLModel, table=True):
    """One statement of a person about one purpose. Never updated: the latest by ``on`` (then
    by recording time) is the consent in force; the earlier ones stay as its history."""

    __tablename__ = "purpose_consents"
    __table_args__ = (sa.Index("ix_purpose_consents_member_purpose", "member_id", "purpose"),)

    id: str = Field(primary_key=True, max_length=36)
    case_id: str = Field(foreign_key="cases.id", index=True, max_length=36)
    member_id: str = Field(foreign_key="household_member.id", max_length=36)
    purpose: Purpose = Field(sa_type=enum_type(Purpose))
    status: ConsentStatus = Field(sa_type=enum_type(ConsentStatus))
    on: date
    given_by: str | None = Field(default=None, max_length=200,
                                 description="Who stated it: the person or a guardian")
    document_id: str | None = Field(default=None, max_length=36)  # the signed form, if any
    recorded_by: str = Field(max_length=100)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


class HandoverTo(StrEnum):
    PARENT = "parent"
    GUARDIAN = "guardian"
    CARE_INSTITUTION = "care_institution"


class MinorHandover(SQLModel, table=True):
    """An unaccompanied minor handed over at arrival: to whom (name and relationship),
    whether and how their identity was checked, and the signed handover record. The workflow
    learns the fact only (this row's id, the kind, identity checked)."""

    __tablename__ = "minor_handovers"

    id: str = Field(primary_key=True, max_length=36)
    case_id: str = Field(foreign_key="cases.id", index=True, max_length=36)
    member_id: str = Field(foreign_key="household_member.id", max_length=36)
    handed_over_on: date
    to_kind: HandoverTo = Field(sa_type=enum_type(HandoverTo))
    to_name: str = Field(max_length=200)
    relationship: str = Field(max_length=100)
    identity_checked: bool
    identity_check: str | None = Field(default=None, max_length=300,
                                       description="How: e.g. national ID card seen")
    document_id: str | None = Field(default=None, max_length=36)  # the handover record
    recorded_by: str = Field(max_length=100)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True))


# Without a statement for the purpose: whether the household's consent of the intake covers it.
# The receiving country's installation, when it is the case's partner, is the partner the
# household's intake consent names (activities/partners.py hands over under that purpose).
FALLBACK_TO_HOUSEHOLD = frozenset({Purpose.PARTNER, Purpose.EMBASSY, Purpose.INSTALLATION})


@dataclass
class Sharing:
    """Who of the asked persons may be sent about, and who may not (with the status)."""

    allowed: list[str] = dc_field(default_factory=list)
    withheld: dict[str, ConsentStatus | None] = dc_field(default_factory=dict)


def in_force(session: Session, member_ids: list[str], purpose: Purpose
             ) -> dict[str, PurposeConsent]:
    """Each person's latest statement for the purpose (none: not in the result)."""
    if not member_ids:
        return {}
    rows = session.exec(
        select(PurposeConsent).where(col(PurposeConsent.member_id).in_(member_ids))
        .where(PurposeConsent.purpose == purpose)
        .order_by(col(PurposeConsent.on), col(PurposeConsent.recorded_at))
    ).all()
    return {r.member_id: r for r in rows}  # the last one wins


def may_send(session: Session, purpose: Purpose, member_ids: list[str],
             household_consent: bool = False) -> Sharing:
    """THE rule: which of these persons' data may be sent for ``purpose``.
    ``household_consent``: the household's consent of the intake covering the purpose
    (partner: share_with_partner; embassy: share_with_authorities), for persons without a
    statement of their own."""
    found = in_force(session, member_ids, purpose)
    sharing = Sharing()
    for member_id in member_ids:
        consent = found.get(member_id)
        if consent is None:
            ok = household_consent and purpose in FALLBACK_TO_HOUSEHOLD
        else:
            ok = consent.status == ConsentStatus.GIVEN
        if ok:
            sharing.allowed.append(member_id)
        else:
            sharing.withheld[member_id] = consent.status if consent else None
    return sharing
