"""What employers' services refuse, by code (the web layer shows the French message of each code)."""


class EmployerError(Exception):
    """Base of the employers domain's refusals."""

    code = "employer_error"


class EmployerNotFound(EmployerError):
    """No such company, or not one the user may see."""

    code = "not_found"


class VacancyNotFound(EmployerError):
    """No such vacancy, or not one the user may see."""

    code = "not_found"


class LicenceTaken(EmployerError):
    """Another company already applied with this licence number."""

    code = "licence_taken"


class NotPending(EmployerError):
    """The application was already approved or rejected."""

    code = "not_pending"


class InvalidTransition(EmployerError):
    """The vacancy's status does not allow this action (e.g. publishing a closed vacancy)."""

    code = "invalid_transition"
