"""What profiles' services refuse, by code (the web layer and the command line show the message of each code)."""

from __future__ import annotations

from core.problems import InvalidFields


class ProfileError(Exception):
    """Base of the profiles domain's refusals."""

    code = "profile_error"


class TraineeNotFound(ProfileError):
    """No trainee profile has this code."""

    code = "not_found"


class DuplicateCode(ProfileError):
    """The same trainee code appears twice in one import."""

    code = "duplicate_code"


class InvalidProfile(ProfileError, InvalidFields):
    """A profile's fields are wrong (as an import would find them), or its code is another trainee's.

    It is also a core.problems.InvalidFields, so forms and the web layer treat both domains' field
    errors alike: `problems` lists every error, to show next to each field.
    """

    code = "invalid_form"


class CohortNotFound(ProfileError):
    """No cohort has this id, or it is another training centre's."""

    code = "not_found"


class CentreNotFound(ProfileError):
    """The school account is linked to no training centre."""

    code = "not_found"


class InvalidCohort(ProfileError, InvalidFields):
    """A cohort's fields are wrong, or its code is another cohort's; `problems` lists every one."""

    code = "invalid_form"


class InvalidDeparture(ProfileError, InvalidFields):
    """A departure's day or reason is missing or wrong; `problems` lists every one."""

    code = "invalid_form"


class InvalidSchoolRecord(ProfileError, InvalidFields):
    """An attendance sheet, module grades or a certification awarded are wrong; `problems` lists every one."""

    code = "invalid_form"


class InvalidConsent(ProfileError):
    """A consent decision names no scope or an unknown one, or its document reference is too long."""

    code = "invalid_consent"


class InvalidNote(ProfileError, InvalidFields):
    """An officer's note is empty, too long, or a call has no outcome; `problems` lists every one."""

    code = "invalid_form"
