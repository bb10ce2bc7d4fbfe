"""Every table of the application, imported in one place so the metadata (and Alembic) sees them all."""

from core.audit import AuditEvent
from employers.models import (
    CandidateRequest,
    Employer,
    EmploymentConfirmation,
    FollowUp,
    Offer,
    OutboxMessage,
    Placement,
    Vacancy,
)
from profiles.models import (
    Attendance,
    CertificationAward,
    Cohort,
    Consent,
    ProfileView,
    TraineeProfile,
    TrainingCentre,
)  # fmt: skip
from web.auth.models import AuthSession, SignInAttempt, User
from web.idempotency import IdempotentReply

__all__ = [
    "Attendance", "AuditEvent", "AuthSession", "CandidateRequest", "CertificationAward", "Cohort", "Consent", "Employer",
    "EmploymentConfirmation", "FollowUp", "IdempotentReply", "Offer", "OutboxMessage", "Placement", "ProfileView",
    "SignInAttempt", "TraineeProfile", "TrainingCentre", "User", "Vacancy",
]  # fmt: skip
