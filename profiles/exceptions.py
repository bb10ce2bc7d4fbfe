"""What profiles' services refuse, by code (the web layer and the command line show the message of each code)."""


class ProfileError(Exception):
    """Base of the profiles domain's refusals."""

    code = "profile_error"


class TraineeNotFound(ProfileError):
    """No trainee profile has this code."""

    code = "not_found"


class DuplicateCode(ProfileError):
    """The same trainee code appears twice in one import."""

    code = "duplicate_code"
