"""Every table of the application, imported in one place so the metadata (and Alembic) sees them all."""

from employers.models import CandidateRequest, Employer, Vacancy
from profiles.models import TraineeProfile
from web.auth.models import AuthSession, SignInAttempt, User

__all__ = ["AuthSession", "CandidateRequest", "Employer", "SignInAttempt", "TraineeProfile", "User", "Vacancy"]
