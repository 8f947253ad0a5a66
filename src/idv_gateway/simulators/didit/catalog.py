"""Fixed vocabulary of the simulated Didit application: statuses, workflows, documents, warnings.

Workflow ids are constants (not drawn from the seed) so that tests, demos and the
gateway's configuration can name a workflow without reading the store first.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "API_SERVICES",
    "API_SERVICE_FEATURES",
    "DOCUMENT_DISPLAY",
    "DOCUMENT_LABELS",
    "FEATURE_STATUSES",
    "KYB_WORKFLOWS",
    "KYC_WORKFLOWS",
    "ORGANIZATION_NAME",
    "RISKS",
    "SESSION_STATUSES",
    "SESSION_TYPES",
    "UNFINISHED_STATUSES",
    "WORKFLOWS",
    "Workflow",
]

ORGANIZATION_NAME = "Northwind Fintech S.L."

SESSION_STATUSES = (
    "Not Started",
    "In Progress",
    "Approved",
    "Declined",
    "In Review",
    "Expired",
    "Abandoned",
    "Kyc Expired",
    "Resubmitted",
    "Awaiting User",
)
# §3.3: only these come back from a create with the same vendor_data.
UNFINISHED_STATUSES = frozenset({"Not Started", "In Progress", "Resubmitted", "Awaiting User"})
FEATURE_STATUSES = ("Not Finished", "Approved", "Declined", "In Review", "Resub Requested")
SESSION_TYPES = ("API", "HOSTED", "MIGRATED")
API_SERVICES = (
    "ID_VERIFICATION",
    "FACE_MATCH",
    "AGE_ESTIMATION",
    "FACE_SEARCH",
    "POA",
    "AML",
    "KYB_REGISTRY",
    "PASSIVE_LIVENESS",
    "DATABASE_VALIDATION",
    "PHONE_VERIFICATION",
    "EMAIL_VERIFICATION",
)

# Document type codes (the `document_type` filter) → display name (the row field); the
# codes without a display mapping render as null.
DOCUMENT_DISPLAY: dict[str, str | None] = {
    "P": "Passport",
    "ID": "Identity Card",
    "DL": "Driver's License",
    "RP": "Residence Permit",
    "SSC": None,
    "HIC": "Health Insurance Card",
    "WP": None,
    "TC": "Tax Card",
    "VISA": None,
    "PSC": None,
    "BC": None,
    "OTHER": None,
}
# The label used inside document names such as `Spain - Id Card (2021)`.
DOCUMENT_LABELS: dict[str, str] = {
    "P": "Passport",
    "ID": "Id Card",
    "DL": "Driving License",
    "RP": "Residence Permit",
    "SSC": "Social Security Card",
    "HIC": "Health Insurance Card",
    "WP": "Work Permit",
    "TC": "Tax Card",
    "VISA": "Visa",
    "PSC": "Public Services Card",
    "BC": "Birth Certificate",
    "OTHER": "Other Document",
}


@dataclass(frozen=True, slots=True)
class Workflow:
    workflow_id: str
    label: str
    kind: str  # "user" (KYC) or "business" (KYB); fixed for the workflow's lifetime
    features: tuple[str, ...]
    version: int

    @property
    def workflow_type(self) -> str:
        return "kyb" if self.kind == "business" else "kyc"


KYC_WORKFLOWS: tuple[Workflow, ...] = (
    Workflow(
        "6c1f8f4e-2b7a-4c1e-9a53-0d6f2a9b1e01",
        "Standard KYC",
        "user",
        ("ID_VERIFICATION", "LIVENESS", "FACE_MATCH", "AML", "IP_ANALYSIS"),
        3,
    ),
    Workflow(
        "6c1f8f4e-2b7a-4c1e-9a53-0d6f2a9b1e02",
        "KYC with NFC",
        "user",
        ("ID_VERIFICATION", "NFC", "LIVENESS", "FACE_MATCH", "IP_ANALYSIS"),
        2,
    ),
    Workflow(
        "6c1f8f4e-2b7a-4c1e-9a53-0d6f2a9b1e03",
        "Full onboarding",
        "user",
        (
            "ID_VERIFICATION",
            "LIVENESS",
            "FACE_MATCH",
            "POA",
            "PHONE",
            "EMAIL_VERIFICATION",
            "AML",
            "DATABASE_VALIDATION",
            "QUESTIONNAIRE",
            "IP_ANALYSIS",
        ),
        5,
    ),
    Workflow(
        "6c1f8f4e-2b7a-4c1e-9a53-0d6f2a9b1e04",
        "Age gate",
        "user",
        ("AGE_ESTIMATION", "IP_ANALYSIS"),
        1,
    ),
    Workflow(
        "6c1f8f4e-2b7a-4c1e-9a53-0d6f2a9b1e05",
        "Contact and address",
        "user",
        ("EMAIL_VERIFICATION", "PHONE", "POA"),
        2,
    ),
)

KYB_WORKFLOWS: tuple[Workflow, ...] = (
    Workflow(
        "9f9b1234-aaaa-4bbb-8ccc-1234567890a1",
        "Standard KYB",
        "business",
        ("KYB_REGISTRY", "KYB_COMPANY_AML", "KYB_DOCUMENTS"),
        2,
    ),
    Workflow(
        "9f9b1234-aaaa-4bbb-8ccc-1234567890a2",
        "KYB with key people",
        "business",
        ("KYB_REGISTRY", "KYB_COMPANY_AML", "KYB_DOCUMENTS", "KYB_KEY_PEOPLE", "EMAIL", "PHONE"),
        4,
    ),
    Workflow(
        "9f9b1234-aaaa-4bbb-8ccc-1234567890a3",
        "Registry lookup",
        "business",
        ("KYB_REGISTRY",),
        1,
    ),
)

WORKFLOWS: dict[str, Workflow] = {w.workflow_id: w for w in (*KYC_WORKFLOWS, *KYB_WORKFLOWS)}

# Standalone API sessions run one service and have no workflow; KYB_REGISTRY never yields
# a KYC session, so filtering KYC rows by it matches nothing.
API_SERVICE_FEATURES: dict[str, tuple[str, ...]] = {
    "ID_VERIFICATION": ("ID_VERIFICATION",),
    "FACE_MATCH": ("FACE_MATCH",),
    "AGE_ESTIMATION": ("AGE_ESTIMATION",),
    "FACE_SEARCH": ("FACE_MATCH",),
    "POA": ("POA",),
    "AML": ("AML",),
    "PASSIVE_LIVENESS": ("LIVENESS",),
    "DATABASE_VALIDATION": ("DATABASE_VALIDATION",),
    "PHONE_VERIFICATION": ("PHONE",),
    "EMAIL_VERIFICATION": ("EMAIL_VERIFICATION",),
}

# Risk codes a feature may raise. KYC codes come from Didit's warnings documentation; the
# KYB codes are the simulator's own (the documents name none).
RISKS: dict[str, tuple[str, ...]] = {
    "ID_VERIFICATION": (
        "DOCUMENT_EXPIRED",
        "DOCUMENT_NOT_SUPPORTED_FOR_APPLICATION",
        "PORTRAIT_IMAGE_NOT_DETECTED",
        "ID_DOCUMENT_IN_BLOCKLIST",
        "SCREEN_CAPTURE_DETECTED",
        "PRINTED_COPY_DETECTED",
        "PORTRAIT_MANIPULATION_DETECTED",
        "POSSIBLE_DUPLICATED_USER",
        "AGE_BELOW_MINIMUM",
    ),
    "NFC": ("POSSIBLE_FRAUD",),
    "LIVENESS": ("LOW_LIVENESS_SCORE", "MULTIPLE_FACES_DETECTED", "FACE_IN_BLOCKLIST"),
    "FACE_MATCH": ("LOW_FACE_MATCH_SIMILARITY",),
    "POA": ("POA_NAME_MISMATCH", "POA_DOCUMENT_NOT_SUPPORTED_FOR_APPLICATION"),
    "PHONE": ("PHONE_NUMBER_IN_BLOCKLIST",),
    "EMAIL_VERIFICATION": ("EMAIL_IN_BLOCKLIST",),
    "AML": ("POSSIBLE_MATCH_FOUND",),
    "IP_ANALYSIS": ("DUPLICATED_IP", "DUPLICATED_DEVICE"),
    "AGE_ESTIMATION": ("AGE_BELOW_MINIMUM", "AGE_NOT_DETECTED"),
    "DATABASE_VALIDATION": (
        "COULD_NOT_PERFORM_DATABASE_VALIDATION",
        "DATABASE_VALIDATION_PARTIAL_MATCH",
        "DATABASE_VALIDATION_NO_MATCH",
    ),
    "QUESTIONNAIRE": (),
    "KYB_REGISTRY": ("COMPANY_NOT_FOUND_IN_REGISTRY", "COMPANY_NOT_ACTIVE"),
    "KYB_COMPANY_AML": ("COMPANY_POSSIBLE_MATCH_FOUND",),
    "KYB_DOCUMENTS": ("COMPANY_DOCUMENT_NOT_VERIFIED",),
    "KYB_KEY_PEOPLE": ("KEY_PERSON_VERIFICATION_DECLINED", "UBO_NOT_IDENTIFIED"),
    "EMAIL": ("EMAIL_IN_BLOCKLIST",),
}
