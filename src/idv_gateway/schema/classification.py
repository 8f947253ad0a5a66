"""Every field of the schema, classified: personal data or not (docs/security.md).

This is the one place the policy lives. `schema/access.py` enforces it: a personal
field needs `pii:read`, the `decision` fields need `decisions:read`, and every root
field that reads sessions needs `sessions:read`. `tests/schema/test_classification.py`
fails when a field of the served schema is missing here, or listed here but gone.

Personal data: a natural person's names, date of birth, age, gender, nationality,
document and personal numbers, MRZ and chip data, addresses and places, phones,
emails, IP addresses and locations, devices, images, videos and their URLs, the
customer's own reference for the person (`vendorData`, Didit's internal user id),
free text and metadata that may hold any of these, KYB key people, and raw provider
bodies. Not personal: company names and registration numbers, statuses, timestamps,
scores, ids of sessions and checks, counts, flags.
"""

from __future__ import annotations

from collections.abc import Mapping

from idv_gateway.domain import Scope

__all__ = [
    "DECISION_FIELDS",
    "FILTER_FIELDS_NEEDING_PII",
    "PERSONAL",
    "PUBLIC",
    "SESSION_ROOT_FIELDS",
    "classified",
    "required_scopes",
]

_CHECK = "nodeId status providerStatus warnings"

# type -> (personal fields, fields that are not personal), space-separated.
_TABLE: Mapping[str, tuple[str, str]] = {
    # Sessions (list rows) and the feed.
    "Node": ("", "id"),
    "Session": ("", "id provider source providerSessionId status providerStatus createdAt"),
    "KycSession": (
        "portraitImage fullName vendorData diditInternalId phoneNumber emailAddress",
        "id provider source providerSessionId status providerStatus createdAt sessionNumber "
        "sessionUrl documentType country features additionalDetails decision",
    ),
    "KybSession": (
        "vendorData",
        "id provider source providerSessionId status providerStatus createdAt sessionNumber "
        "workflowId workflowType workflowLabel companyName registrationNumber country decision",
    ),
    "KayleSession": (
        "",
        "id provider source providerSessionId status providerStatus createdAt contractVersion "
        "shareFields redirectUrl verificationUrl expiresAt completedAt updatedAt attempts",
    ),
    "KayleAttempt": (
        "",
        "id sessionId status providerStatus failureCode riskScore completedAt createdAt updatedAt",
    ),
    "ShareField": ("", "key required reason source"),
    "KycFeature": ("", "feature status providerStatus"),
    "Phone": ("number", "isVerified"),
    "Email": ("email", "isVerified"),
    "AdditionalDetails": (
        "",
        "aml databaseValidation poa liveness faceMatch phoneVerification emailVerification",
    ),
    "AmlDetails": ("screenedData", "totalHits entityType isAdverseMediaFetched"),
    "AmlScreenedData": ("nationality documentNumber dateOfBirth", ""),
    "DatabaseValidationDetails": ("identificationNumber", "validationType matchType"),
    "PoaDetails": ("address nameOnDocument", "documentType issuer"),
    "LivenessDetails": ("", "method score"),
    "FaceMatchDetails": ("sourceImage targetImage", "score"),
    "PhoneVerificationDetails": ("", "countryCode isTemporary isPorted isBlocked"),
    "EmailVerificationDetails": ("", "isBreached isDisposable isUndeliverable isBlocklisted"),
    "SessionConnection": ("", "edges pageInfo totalCount"),
    "KycSessionConnection": ("", "edges pageInfo totalCount"),
    "KybSessionConnection": ("", "edges pageInfo totalCount"),
    "KayleSessionConnection": ("", "edges pageInfo totalCount"),
    "SessionEdge": ("", "node cursor arrivedLate"),
    "KycSessionEdge": ("", "node cursor arrivedLate"),
    "KybSessionEdge": ("", "node cursor arrivedLate"),
    "KayleSessionEdge": ("", "node cursor arrivedLate"),
    "PageInfo": ("", "hasNextPage hasPreviousPage startCursor endCursor"),
    # Decisions (behind `decisions:read`; their personal parts need `pii:read` too).
    "SessionDecision": (
        "vendorData metadata contactDetails expectedDetails raw",
        "sessionId sessionNumber sessionUrl status providerStatus environment workflowId "
        "features callback reviews createdAt expiresAt",
    ),
    "KycDecision": (
        "vendorData metadata contactDetails expectedDetails raw",
        "sessionId sessionNumber sessionUrl status providerStatus environment workflowId "
        "features callback reviews createdAt expiresAt idVerifications nfcVerifications "
        "livenessChecks faceMatches poaVerifications phoneVerifications emailVerifications "
        "amlScreenings ipAnalyses databaseValidations questionnaireResponses",
    ),
    "KybDecision": (
        "vendorData metadata contactDetails expectedDetails raw keyPeopleChecks",
        "sessionId sessionNumber sessionUrl status providerStatus environment workflowId "
        "features callback reviews createdAt expiresAt registryChecks amlScreenings "
        "documentVerifications phoneVerifications emailVerifications questionnaireResponses "
        "ipAnalyses",
    ),
    "DecisionContactDetails": ("email phone", "emailLang sendNotificationEmails"),
    "DecisionReview": ("user comment", "newStatus createdAt"),
    "DecisionWarning": (
        "additionalData",
        "feature risk logType shortDescription longDescription nodeId",
    ),
    "DecisionCheck": ("", _CHECK),
    "IdVerification": (
        "documentNumber personalNumber firstName lastName fullName dateOfBirth age gender "
        "nationality placeOfBirth maritalStatus address formattedAddress parsedAddress "
        "extraFields extraFiles matches portraitImage frontImage backImage fullFrontImage "
        "fullBackImage frontVideo backVideo frontImageCameraFront backImageCameraFront mrz",
        f"{_CHECK} documentType issuingState issuingStateName expirationDate dateOfIssue "
        "frontImageCameraFrontFaceMatchScore backImageCameraFrontFaceMatchScore "
        "frontImageQualityScore backImageQualityScore",
    ),
    "ImageQualityScore": (
        "",
        "focusScore brightnessScore brightnessIssue isDocumentFullyVisible resolutionScore "
        "overallScore",
    ),
    "NfcVerification": (
        "chipData portraitImage signatureImage",
        f"{_CHECK} authenticity certificateSummary",
    ),
    "NfcAuthenticity": ("", "dgIntegrity sodIntegrity"),
    "NfcCertificateSummary": ("", "issuer subject serialNumber notValidBefore notValidAfter"),
    "NfcChipData": (
        "documentNumber name surname birthDate nationality sex mrzString dgs address placeOfBirth",
        "documentType expiryDate country mrzType",
    ),
    "LivenessCheck": (
        "referenceImage videoUrl ageEstimation matches",
        f"{_CHECK} method score faceQuality faceLuminance",
    ),
    "FaceMatch": ("sourceImage targetImage sourceImageSessionId", f"{_CHECK} score"),
    "PoaVerification": (
        "documentFile nameOnDocument poaAddress poaFormattedAddress poaParsedAddress "
        "extraFields extraFiles",
        f"{_CHECK} documentType documentLanguage documentMetadata issuer issueDate "
        "expirationDate issuingState nameMatchScoreIdVerification nameMatchScoreExpectedDetails",
    ),
    "PoaDocumentMetadata": ("", "contentType fileSize creationDate modifiedDate"),
    "PhoneVerification": (
        "fullNumber phoneNumber",
        f"{_CHECK} phoneNumberPrefix countryCode countryName carrier isDisposable isVirtual "
        "verificationMethod verificationAttempts verifiedAt lifecycle",
    ),
    "PhoneCarrier": ("", "name type"),
    "EmailVerification": (
        "email breaches",
        f"{_CHECK} isBreached isDisposable isUndeliverable verificationAttempts verifiedAt "
        "lifecycle",
    ),
    "VerificationEvent": ("details", "type timestamp fee"),
    "AmlScreening": (
        "hits screenedData",
        f"{_CHECK} entityType totalHits score "
        "isOngoingMonitoringEnabled nextOngoingMonitoringBillDate",
    ),
    "AmlScreenedDetails": ("fullName dateOfBirth nationality documentNumber", ""),
    "AmlHit": (
        "url target caption properties pepMatches sanctionMatches warningMatches "
        "adverseMediaMatches adverseMediaDetails linkedEntities rcaName additionalInformation",
        "id match score datasets matchScore riskScore reviewStatus scoreBreakdown riskView "
        "firstSeen lastSeen",
    ),
    "AmlRiskView": ("", "crimes countries categories customList"),
    "IpAnalysis": (
        "ipAddress ipState ipCity latitude longitude deviceFingerprint deviceBrand deviceModel "
        "ip idDocument poaDocument",
        f"{_CHECK} ipCountry ipCountryCode isp organization isVpnOrTor isDataCenter timeZone "
        "timeZoneOffset browserFamily osFamily platform",
    ),
    "LocationComparison": (
        "location",
        "distanceFromIp distanceFromIdDocument distanceFromPoaDocument",
    ),
    "IpDistance": ("", "distance direction"),
    "DatabaseValidation": (
        "screenedData validations",
        f"{_CHECK} issuingState validationType matchType",
    ),
    "DatabaseValidationResult": ("sourceData", "validation"),
    "QuestionnaireResponse": (
        "sections",
        f"{_CHECK} questionnaireId questionnaireGroupId title description version "
        "defaultLanguage languages",
    ),
    "QuestionnaireSection": ("items", "title description"),
    "QuestionnaireItem": ("value answer", "uuid title elementType isRequired choices"),
    "RegistryCheck": ("details", f"{_CHECK} dataResolved"),
    "KeyPeopleCheck": ("details", _CHECK),
    "DocumentVerification": ("details", _CHECK),
    # Roots.
    "Query": ("", "_entities _service sessions kycSessions kybSessions kayleSessions node nodes"),
    "_Service": ("", "sdl"),
    "Subscription": ("", "sessionEvents session"),
    "SessionEvent": ("", "eventId type occurredAt status providerStatus sessionId session"),
}

PERSONAL: frozenset[str] = frozenset(
    f"{type_name}.{field}"
    for type_name, (personal, _) in _TABLE.items()
    for field in personal.split()
)
PUBLIC: frozenset[str] = frozenset(
    f"{type_name}.{field}" for type_name, (_, public) in _TABLE.items() for field in public.split()
)
DECISION_FIELDS = frozenset({"KycSession.decision", "KybSession.decision"})
SESSION_ROOT_FIELDS = frozenset(
    f"Query.{name}"
    for name in ("sessions", "kycSessions", "kybSessions", "kayleSessions", "node", "nodes")
) | {"Query._entities", "Subscription.sessionEvents", "Subscription.session"}
# Filter input fields whose values are personal data: filtering by them would let a caller
# without `pii:read` probe for a person (by name, email, document number, user reference).
FILTER_FIELDS_NEEDING_PII = frozenset({"search", "vendor_data", "didit_internal_id"})


def classified(coordinate: str) -> bool:
    return coordinate in PERSONAL or coordinate in PUBLIC


def required_scopes(coordinate: str) -> tuple[str, ...]:
    """The scope a field needs beyond the ones its parents already required."""
    if coordinate in SESSION_ROOT_FIELDS:
        return (Scope.SESSIONS_READ.value,)
    if coordinate in DECISION_FIELDS:
        return (Scope.DECISIONS_READ.value,)
    if coordinate in PERSONAL:
        return (Scope.PII_READ.value,)
    return ()
