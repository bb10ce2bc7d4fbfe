"""Every table of the application, imported in one place so the metadata (and Alembic) sees them all."""

from core.audit import AuditEvent
from employers.models import (
    CandidateRequest,
    CompanyInvitation,
    Employer,
    EmploymentConfirmation,
    FollowUp,
    FollowUpReminder,
    Offer,
    OutboxMessage,
    Placement,
    Vacancy,
    WeightsVersion,
)
from employers.ranking_store import RankingStatus, RankingWork, StoredRanking
from profiles.models import (
    Attendance,
    CertificationAward,
    Cohort,
    Consent,
    ProfileView,
    TraineeNote,
    TraineeProfile,
    TrainingCentre,
)  # fmt: skip
from web.auth.models import AuthSession, PasswordReset, PinResetCode, SignInAttempt, User
from web.idempotency import IdempotentReply

__all__ = [
    "Attendance", "AuditEvent", "AuthSession", "CandidateRequest", "CertificationAward", "Cohort", "CompanyInvitation",
    "Consent", "Employer", "EmploymentConfirmation", "FollowUp", "FollowUpReminder", "IdempotentReply", "Offer", "OutboxMessage",
    "PasswordReset", "PinResetCode", "Placement", "ProfileView", "RankingStatus", "RankingWork", "SignInAttempt",
    "StoredRanking", "TraineeNote", "TraineeProfile", "TrainingCentre", "User", "Vacancy", "WeightsVersion",
]  # fmt: skip
