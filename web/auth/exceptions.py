"""What can go wrong when signing in or managing an account."""

import math
from datetime import timedelta


class AuthError(Exception):
    """Base of account errors; `code` names the message shown to the user."""

    code = "auth_error"


class InvalidCredentials(AuthError):
    """The login or the password (or PIN) is wrong."""

    code = "invalid_credentials"


class TooManyAttempts(AuthError):
    """Too many failed sign-ins lately (for the account, the address, or trainee PINs overall): `wait` before trying again."""

    code = "too_many_attempts"

    def __init__(self, login: str, wait: timedelta) -> None:
        self.wait = wait
        super().__init__(login)

    def minutes(self) -> int:
        """Return the wait in whole minutes, rounded up (at least one)."""
        return max(1, math.ceil(self.wait.total_seconds() / 60))


class WeakPassword(AuthError):
    """The new password or PIN does not meet the rules."""

    code = "weak_password"


class LoginTaken(AuthError):
    """Another account already uses this login."""

    code = "login_taken"


class InvalidLogin(AuthError):
    """A new account's login is longer than any e-mail address may be, or holds a control character."""

    code = "login_invalid"


class AccountNotFound(AuthError):
    """No account has this login (or id)."""

    code = "account_not_found"


class DisableReasonRequired(AuthError):
    """Disabling an account needs a reason, kept in the audit trail."""

    code = "disable_reason_required"


class OwnAccount(AuthError):
    """An administrator may not disable their own account (someone must be left to enable it again)."""

    code = "own_account"


class ResetCodeInvalid(AuthError):
    """The code sent to reset a PIN is wrong, used, replaced by a newer one, expired or tried too often."""

    code = "reset_code_invalid"
