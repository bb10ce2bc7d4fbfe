"""What can go wrong when signing in or managing an account."""


class AuthError(Exception):
    """Base of account errors; `code` names the message shown to the user."""

    code = "auth_error"


class InvalidCredentials(AuthError):
    """The login or the password (or PIN) is wrong."""

    code = "invalid_credentials"


class TooManyAttempts(AuthError):
    """Too many failed sign-ins in the last minute."""

    code = "too_many_attempts"


class AccountDisabled(AuthError):
    """The account exists but may not sign in (disabled, or its company is not approved)."""

    code = "account_disabled"


class WeakPassword(AuthError):
    """The new password or PIN does not meet the rules."""

    code = "weak_password"


class LoginTaken(AuthError):
    """Another account already uses this login."""

    code = "login_taken"


class UnknownAccount(AuthError):
    """No account has this login."""

    code = "unknown_account"
