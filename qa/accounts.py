"""The people who may sign in: passwords hashed with scrypt, users kept in the catalog.

A password is never stored or logged: the catalog keeps ``scrypt$n$r$p$salt$hash`` (salt
and hash in URL-safe base64), made with :func:`hashlib.scrypt` and a random salt, and checked
in constant time. ``NEWSDESK_AUTH=user:password`` keeps working as one more user, checked
beside those of the catalog (``newsdesk users add NAME``).

:class:`Accounts` also counts failed sign-ins per key (``ui:<address>``, ``api:<address>``)
in the catalog, so that every replica shares them (see :mod:`vectorstore.catalog.users`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from vectorstore.catalog import Catalog, open_catalog
from vectorstore.catalog.users import (
    DEFAULT_POLICY,
    Attempts,
    ThrottlePolicy,
    UserCatalog,
    UserRow,
)
from vectorstore.config import Settings
from vectorstore.errors import AccountError, NotFound

if TYPE_CHECKING:
    from qa.desk import NewsDesk

__all__ = ["DEFAULT_POLICY", "Accounts", "Attempts", "ThrottlePolicy", "UserRow", "hash_password",
           "name_problem", "password_problem", "users_exist", "verify_password"]

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1  # 16 MiB and ~50 ms per hash
SALT_BYTES, HASH_BYTES = 16, 32
MAX_N = 2**20  # a stored hash asking for more work than this is refused, not computed
MAX_NAME = 200


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, size: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=size,
                          maxmem=256 * r * n + 2**20)


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R,
                  p: int = SCRYPT_P) -> str:
    """``scrypt$n$r$p$salt$hash`` of ``password`` with a new random salt."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, n, r, p, HASH_BYTES)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str) -> bool:
    """True when ``password`` matches ``encoded`` (compared in constant time); False for a
    wrong password or a hash this code cannot read."""
    try:
        kind, n_, r_, p_, salt_, digest_ = encoded.split("$")
        n, r, p, salt, digest = int(n_), int(r_), int(p_), _unb64(salt_), _unb64(digest_)
    except ValueError:
        return False
    if kind != "scrypt" or not (1 < n <= MAX_N and 0 < r <= 32 and 0 < p <= 16 and digest):
        return False
    return hmac.compare_digest(_scrypt(password, salt, n, r, p, len(digest)), digest)


@lru_cache(maxsize=1)
def _decoy() -> str:
    """A hash to check unknown names against, so that they take as long as known ones."""
    return hash_password(secrets.token_urlsafe(16))


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a user name, or ``None`` when it can."""
    if not name.strip():
        return "the user name is empty: give a name, e.g. `newsdesk users add ann`"
    if name != name.strip():
        return f"the user name {name!r} starts or ends with a space: leave the spaces out"
    if len(name) > MAX_NAME:
        return f"the user name is {len(name)} characters long: use at most {MAX_NAME}"
    if ":" in name or any(unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} for c in name):
        return (f"the user name {name!r} holds a ':' or a control character: use letters, "
                "digits, spaces and punctuation other than ':'")
    return None


def password_problem(password: str) -> str | None:
    """Why ``password`` cannot be a password, or ``None`` when it can."""
    if password == "":
        return "the password is empty: type one (or pipe one line with --password-stdin)"
    return None


def users_exist(settings: Settings) -> bool:
    """True when the catalog of ``settings`` has users (a SQLite catalog that does not exist
    yet is not made to find out)."""
    if not settings.database_url and not (settings.home / "catalog.db").exists():
        return False
    accounts = Accounts.open(settings)
    try:
        return accounts.count() > 0
    finally:
        accounts.close()


class Accounts:
    """The users of a catalog, plus the ``NEWSDESK_AUTH`` user, and failed sign-ins.

    Args:
        users: The catalog's users (``catalog.users``).
        auth: ``user:password`` (``NEWSDESK_AUTH``), or ``""``.
        policy: How failed sign-ins slow further ones down (default: 5 free in 15 minutes,
            then 1 s doubling to 60 s).
    """

    def __init__(self, users: UserCatalog, auth: str = "",
                 policy: ThrottlePolicy = DEFAULT_POLICY, catalog: Catalog | None = None) -> None:
        self.users = users.with_policy(policy)
        user, _, password = auth.partition(":")
        self._env = (user.strip(), password) if user.strip() and password else None
        self._catalog = catalog

    @classmethod
    def open(cls, settings: Settings, policy: ThrottlePolicy = DEFAULT_POLICY) -> Accounts:
        """The accounts of the catalog ``settings`` name (opened here; :meth:`close` it)."""
        catalog = open_catalog(settings.catalog_url, process="accounts")
        return cls(catalog.users, settings.auth, policy, catalog)

    @classmethod
    def of_desk(cls, desk: NewsDesk, auth: str | None = None,
                policy: ThrottlePolicy = DEFAULT_POLICY) -> Accounts:
        """The accounts of ``desk``'s catalog, with the ``NEWSDESK_AUTH`` user ``auth``
        (default: the desk's settings')."""
        return cls(desk.store.catalog.users, desk.settings.auth if auth is None else auth, policy)

    def close(self) -> None:
        """Close the catalog when :meth:`open` opened it."""
        if self._catalog is not None:
            self._catalog.close()

    @property
    def env_user(self) -> str | None:
        """The ``NEWSDESK_AUTH`` user's name, or ``None``."""
        return self._env[0] if self._env else None

    @property
    def enabled(self) -> bool:
        """True when signing in is required: the catalog has users or ``NEWSDESK_AUTH`` is set."""
        return self._env is not None or self.count() > 0

    # -- users ----------------------------------------------------------------------------

    def add(self, name: str, password: str) -> UserRow:
        """Add user ``name`` with ``password`` (stored as its scrypt hash only).

        Raises:
            AccountError: an unusable name or password, or the user exists.
        """
        problem = name_problem(name) or password_problem(password)
        if problem:
            raise AccountError(problem)
        if not self.users.add_user(name, hash_password(password)):
            raise AccountError(f"a user {name!r} exists: `newsdesk users remove {name}` first, "
                               "or pick another name")
        return next(u for u in self.users.users() if u.name == name)

    def remove(self, name: str) -> None:
        """Remove user ``name``.

        Raises:
            NotFound: no such user.
        """
        if not self.users.remove_user(name):
            raise NotFound(f"no user {name!r}: `newsdesk users list` shows them")

    def list_users(self) -> list[UserRow]:
        """The catalog's users, by name (without their hashes)."""
        return self.users.users()

    def count(self) -> int:
        """How many users the catalog holds."""
        return self.users.count()

    def verify(self, name: str, password: str) -> bool:
        """True when ``password`` is ``name``'s: a catalog user's, or ``NEWSDESK_AUTH``'s."""
        if self._env is not None and (
                hmac.compare_digest(name.encode(), self._env[0].encode())
                & hmac.compare_digest(password.encode(), self._env[1].encode())):
            return True
        stored = self.users.password_hash(name)
        ok = verify_password(password, stored or _decoy())
        return ok and stored is not None

    # -- failed sign-ins ------------------------------------------------------------------

    def attempts(self, key: str) -> Attempts:
        """The failures of ``key`` counted now, and the wait of its next attempt."""
        return self.users.attempts(key)

    def failed(self, key: str) -> Attempts:
        """Count a failed sign-in of ``key``."""
        return self.users.record_failure(key)

    def succeeded(self, key: str) -> None:
        """Forget the failures of ``key``."""
        self.users.reset(key)
