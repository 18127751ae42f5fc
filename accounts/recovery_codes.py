"""Recovery codes: made at random, shown once, kept only as salted hashes.

A code carries 80 random bits (16 base32 letters and digits), so a copy of the database
gives no way to find one, however cheap its hash: a search would take about 2^79 tries.
The hash is salted PBKDF2-SHA256 (Django's hasher) with 20,000 iterations, about 4 ms a
code, rather than the passwords' Argon2 (about 0.1 s and 100 MB each): a sign-in with a
code checks it against up to ten hashes, and making ten codes hashes ten. The iterations
keep some cost for the 40-bit codes of django-otp that the migration hashed.
"""

import secrets
from base64 import b32encode

from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password

CODE_BYTES = 10


class RecoveryCodeHasher(PBKDF2PasswordHasher):
    # Django's pbkdf2_sha256 format, which records its iterations: changing them here
    # leaves the codes already stored valid.
    iterations = 20_000


HASHER = RecoveryCodeHasher()


def normalise(code: str) -> str:
    """A code as typed (any case, with spaces or dashes) as it is hashed."""
    return "".join(code.split()).replace("-", "").lower()


def new_code() -> str:
    """A new code, in groups of four for reading and typing: `abcd-efgh-ijkl-mnop`."""
    letters = b32encode(secrets.token_bytes(CODE_BYTES)).decode("ascii").lower()
    return "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))


def code_hash(code: str) -> str:
    return make_password(normalise(code), hasher=HASHER)


def code_matches(code: str, hashed: str) -> bool:
    code = normalise(code)
    return bool(code) and HASHER.verify(code, hashed)
