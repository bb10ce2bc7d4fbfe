"""What employers' services refuse, by code (the web layer shows the French message of each code)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core import problems
from core.problems import Problem


class EmployerError(Exception):
    """Base of the employers domain's refusals."""

    code = "employer_error"


class EmployerNotFound(EmployerError):
    """No such company, or not one the user may see."""

    code = "not_found"


class VacancyNotFound(EmployerError):
    """No such vacancy, or not one the user may see."""

    code = "not_found"


class NotPending(EmployerError):
    """The application was already approved or rejected."""

    code = "not_pending"


class InvalidTransition(EmployerError):
    """The vacancy's status does not allow this action (e.g. publishing a closed vacancy)."""

    code = "invalid_transition"

    def __init__(self, vacancy_id: int | None, action: str, status: str) -> None:
        self.vacancy_id, self.action, self.status = vacancy_id, action, status
        super().__init__(f"vacancy {vacancy_id} is {status}: cannot {action} it")


class VacancyNotOpen(EmployerError):
    """Candidates can be asked for only on a published (open) vacancy."""

    code = "vacancy_not_open"


class CandidateUnavailable(EmployerError):
    """The trainee is not among the vacancy's current candidates (or no longer shares the profile)."""

    code = "candidate_unavailable"


class InvalidFields(EmployerError, problems.InvalidFields):
    """Some fields are wrong; `problems` lists every one (errors only), to show next to each field."""

    code = "invalid_form"


class ReasonRequired(InvalidFields):
    """An application was rejected without saying why."""

    code = "reason_required"

    def __init__(self) -> None:
        super().__init__([Problem("reason", "reason_required")])


class InvalidApplication(InvalidFields):
    """A company's application has wrong or missing fields."""


class InvalidVacancy(InvalidFields):
    """A vacancy has wrong or missing fields."""


class DuplicateCode(EmployerError):
    """The same vacancy code appears twice in one import."""

    code = "duplicate_vacancy_code"


@dataclass(frozen=True)
class UnmatchedRecord:
    """An imported vacancy whose company could not be found: its position, its id and the company named."""

    index: int
    vacancy_id: str
    employer: str
    ambiguous: bool = False

    def __str__(self) -> str:
        return f"{self.vacancy_id} names {self.employer!r}" + (" (several companies have this name)" if self.ambiguous else "")


class UnknownEmployers(EmployerError):
    """Imported vacancies name companies that do not exist (or several companies share the name)."""

    code = "unknown_employers"

    def __init__(self, records: Sequence[UnmatchedRecord]) -> None:
        self.records = list(records)
        super().__init__("; ".join(map(str, self.records)))


class VacancyCodeTaken(EmployerError):
    """Imported vacancies reuse the codes of another company's vacancies."""

    code = "vacancy_code_taken"

    def __init__(self, records: Sequence[UnmatchedRecord]) -> None:
        self.records = list(records)
        super().__init__("; ".join(f"{r.vacancy_id} belongs to another company than {r.employer!r}" for r in self.records))


# ---------------------------------------------------------------- offers and placements


class OfferNotFound(EmployerError):
    """No such offer, or not one the user may see (another company's, another trainee's)."""

    code = "not_found"


class PlacementNotFound(EmployerError):
    """No such placement, or not one the user may see."""

    code = "not_found"


class ActionNotAllowed(EmployerError):
    """The actor's party may never take this action (the tables of employers.offers and employers.vacancy_status)."""

    code = "action_not_allowed"

    def __init__(self, action: str, party: str, subject: str = "an offer") -> None:
        self.action, self.party, self.subject = action, party, subject
        super().__init__(f"{party} may not {action} {subject}")


class InvalidOfferTransition(EmployerError):
    """The offer's state does not allow this action (e.g. accepting an offer that expired)."""

    code = "invalid_offer_transition"

    def __init__(self, offer_id: int | None, action: str, state: str) -> None:
        self.offer_id, self.action, self.state = offer_id, action, state
        super().__init__(f"offer {offer_id} is {state}: cannot {action} it")


class OfferExpired(EmployerError):
    """The time to answer the offer has passed (the expiry job may not have marked it yet)."""

    code = "offer_expired"

    def __init__(self, offer_id: int) -> None:
        self.offer_id = offer_id
        super().__init__(f"offer {offer_id} is past its answer deadline")


class TraineeIneligible(EmployerError):
    """The engine finds the trainee ineligible for the vacancy; only an officer's override with a reason offers it."""

    code = "trainee_ineligible"

    def __init__(self, trainee_id: int, reasons: Sequence[str]) -> None:
        self.trainee_id, self.reasons = trainee_id, tuple(reasons)
        super().__init__(f"trainee {trainee_id} is ineligible: {'; '.join(self.reasons)}")


class OverrideReasonRequired(InvalidFields):
    """An override of the engine's eligibility was asked for without a written reason."""

    code = "override_reason_required"

    def __init__(self) -> None:
        super().__init__([Problem("override_reason", "override_reason_required")])


class InvalidPlacement(InvalidFields):
    """A confirmation's start date or salary is wrong."""


class InvalidEnding(InvalidFields):
    """A placement's end has a wrong or missing day (``end_date``) or reason (``end_reason``)."""


class VacancyFull(EmployerError):
    """Every seat of the vacancy is already filled by a confirmed placement."""

    code = "vacancy_full"

    def __init__(self, vacancy_id: int) -> None:
        self.vacancy_id = vacancy_id
        super().__init__(f"vacancy {vacancy_id} has no seat left")


class AlreadyPlaced(EmployerError):
    """The trainee already holds an active placement."""

    code = "already_placed"

    def __init__(self, trainee_id: int) -> None:
        self.trainee_id = trainee_id
        super().__init__(f"trainee {trainee_id} already holds an active placement")


class PlacementEnded(EmployerError):
    """The placement has already ended."""

    code = "placement_ended"


class WeightsVersionNotFound(EmployerError):
    """The weights version to roll back to does not exist."""

    code = "not_found"


class WeightsNotAdoptable(EmployerError):
    """The proposed weights do not meet the adoption rule (too few outcomes, or no gain)."""

    code = "weights_not_adoptable"


# ---------------------------------------------------------------- follow-ups after placement


class FollowUpNotFound(EmployerError):
    """No follow-up of this placement for this month (a month other than 1, 3, 6 or 12), or not one the user may see."""

    code = "not_found"


class FollowUpNotDue(EmployerError):
    """It is too early for this follow-up (or for the company to answer for it)."""

    code = "follow_up_not_due"


class FollowUpRecorded(EmployerError):
    """This follow-up is already recorded."""

    code = "follow_up_recorded"


class InvalidFollowUp(InvalidFields):
    """A follow-up has wrong or missing fields."""


class InvalidConfirmation(InvalidFields):
    """A company's answer about an employment has wrong or missing fields."""


# ---------------------------------------------------------------- the company's account (issue #13)


class InvalidCompanyProfile(InvalidFields):
    """A company's details, as it edits them, have wrong or missing fields."""


class InvalidInvitation(InvalidFields):
    """An invitation of a colleague (its name, its e-mail) has wrong or missing fields."""


class InvitationUnusable(EmployerError):
    """The invitation link is unknown, already used or past its date."""

    code = "invitation_unusable"


class InvalidInterview(InvalidFields):
    """An interview's day, time or place is wrong or missing."""


class InvalidSms(InvalidFields):
    """An officer's SMS to a list is empty or longer than one SMS; `problems` lists why."""
