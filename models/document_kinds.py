"""The kinds of a case's document and what pages and refusals call them; apart from the
tables (models/documents.py) so a project's policy, a workflow payload, can name them."""

from __future__ import annotations

from enum import StrEnum


class DocumentKind(StrEnum):
    IDENTITY_DOCUMENT = "identity_document"  # a copy of a passport, ID card, birth certificate
    DECLARATION = "declaration"  # the signed declaration of voluntary return and consent
    MEDICAL_CERTIFICATE = "medical_certificate"  # medical or fit-to-travel certificate
    TRAVEL_DOCUMENT = "travel_document"
    TICKET = "ticket"
    PAYMENT_RECEIPT = "payment_receipt"
    PARTNER_EVIDENCE = "partner_evidence"  # a partner's invoice or photo of delivered help
    OTHER = "other"


# What the kinds are called on pages and in refusals ("the signed declaration must be ...").
DOCUMENT_KIND_LABELS: dict[DocumentKind, str] = {
    DocumentKind.IDENTITY_DOCUMENT: "identity document copy",
    DocumentKind.DECLARATION: "signed declaration",
    DocumentKind.MEDICAL_CERTIFICATE: "medical or fit-to-travel certificate",
    DocumentKind.TRAVEL_DOCUMENT: "travel document",
    DocumentKind.TICKET: "ticket",
    DocumentKind.PAYMENT_RECEIPT: "payment receipt",
    DocumentKind.PARTNER_EVIDENCE: "partner's delivery evidence",
    DocumentKind.OTHER: "other document",
}
