"""All models, imported here so Alembic and the app see one metadata."""

from selvvisitation.models.assessment import (
    AssessmentVisit,
    PerceivedQuality,
    VisitatorObservation,
)
from selvvisitation.models.audit import AuditEntry, AuditLogImmutableError
from selvvisitation.models.base import UTCDateTime, utcnow
from selvvisitation.models.cases import (
    CallBackRequest,
    Case,
    CaseEvent,
    Flag,
    ReassessmentRequest,
    StaffReport,
)
from selvvisitation.models.catalogue import Service
from selvvisitation.models.citizen import Citizen, Consent, Relative, relative_may
from selvvisitation.models.conversation import Conversation, ConversationMessage
from selvvisitation.models.decision import Decision, GrantedService, SupersededDecisionError
from selvvisitation.models.messages import MessageThread, ThreadMessage
from selvvisitation.models.notifications import Notification, NotificationPreference
from selvvisitation.models.organisation import Municipality, MunicipalityPolicy, Provider, Team
from selvvisitation.models.priorities import VisitPriority
from selvvisitation.models.programme import (
    CareProgramme,
    CareProgrammeElement,
    GrantedElement,
    PriorityExample,
)
from selvvisitation.models.sessions import EndedSession, FailedSignIn
from selvvisitation.models.supervision import (
    ActionPlanItem,
    SampledCitizen,
    SupervisionFinding,
    SupervisionRecommendation,
    SupervisionSample,
    SupervisionVisit,
)
from selvvisitation.models.swaps import SwapLine, SwapRequest, Wish
from selvvisitation.models.users import RecoveryCode, StaffUser
from selvvisitation.models.visit_changes import CalendarFeed, CalendarLook, MoveRequest, VisitChange
from selvvisitation.models.visits import Visit, VisitElement, VisitService

__all__ = [
    "AssessmentVisit",
    "ActionPlanItem",
    "AuditEntry",
    "AuditLogImmutableError",
    "CalendarFeed",
    "CalendarLook",
    "CareProgramme",
    "CareProgrammeElement",
    "Case",
    "CaseEvent",
    "Citizen",
    "Consent",
    "Conversation",
    "ConversationMessage",
    "Decision",
    "EndedSession",
    "FailedSignIn",
    "Flag",
    "GrantedElement",
    "GrantedService",
    "MessageThread",
    "Municipality",
    "PerceivedQuality",
    "PriorityExample",
    "MoveRequest",
    "MunicipalityPolicy",
    "Notification",
    "NotificationPreference",
    "Provider",
    "ReassessmentRequest",
    "CallBackRequest",
    "SampledCitizen",
    "Relative",
    "Service",
    "StaffReport",
    "RecoveryCode",
    "StaffUser",
    "SupersededDecisionError",
    "SupervisionFinding",
    "SupervisionRecommendation",
    "SupervisionSample",
    "SupervisionVisit",
    "SwapLine",
    "SwapRequest",
    "ThreadMessage",
    "Team",
    "UTCDateTime",
    "utcnow",
    "Visit",
    "VisitChange",
    "VisitElement",
    "VisitPriority",
    "VisitService",
    "VisitatorObservation",
    "Wish",
    "relative_may",
]
