"""The one password hasher: passwords, PINs and PIN reset codes are hashed with Argon2id at these parameters.

The parameters are the Argon2id configuration of OWASP's Password Storage Cheat Sheet (m=19 MiB, t=2, p=1).
pwdlib's recommended ones (m=64 MiB, t=3, p=4) cost 0.18 s of CPU a sign-in: on the 2-core server, 100 users
signing in at once were 18 s of CPU. A hash made with other parameters still verifies (they are written in the
hash), and a sign-in that succeeds with one stores the password's hash again with these.
"""

from __future__ import annotations

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

#: OWASP Password Storage Cheat Sheet, Argon2id: 19 MiB of memory, 2 iterations, 1 degree of parallelism.
MEMORY_KIB = 19456
TIME_COST = 2
PARALLELISM = 1


def argon2id(*, memory_kib: int = MEMORY_KIB, time_cost: int = TIME_COST, parallelism: int = PARALLELISM) -> PasswordHash:
    """Return an Argon2id hasher with these parameters (the shipped ones unless told)."""
    return PasswordHash((Argon2Hasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism),))


#: Used through the module (`hashing.HASHER`), so the tests' cheaper hasher replaces it everywhere at once.
HASHER = argon2id()
