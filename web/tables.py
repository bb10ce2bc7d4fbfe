"""Every table of the application, imported in one place so the metadata (and Alembic) sees them all."""

from employers.models import AuditEvent, CandidateRequest, Employer, Offer, OutboxMessage, Placement, Vacancy
from profiles.models import TraineeProfile
from web.auth.models import AuthSession, SignInAttempt, User

__all__ = [
    "AuditEvent", "AuthSession", "CandidateRequest", "Employer", "Offer", "OutboxMessage", "Placement", "SignInAttempt",
    "TraineeProfile", "User", "Vacancy",
]  # fmt: skip
