"""The users who may sign in and the failed sign-in attempts per address (``Catalog.users``).

A user is a name and a password hash (made by ``qa.accounts``; the catalog never sees a
password). Failed sign-ins are counted per key (``ui:<address>``, ``api:<address>``) in the
catalog, so that every replica of the app sees the same counts: after
:attr:`ThrottlePolicy.free` failures each further attempt waits :meth:`ThrottlePolicy.delay`
seconds, whatever its password; a success forgets the key; the count starts again after
:attr:`ThrottlePolicy.window_s` seconds without a failure.

Each write is one transaction of :func:`~vectorstore.catalog.engine.writing` (one writer at a
time on SQLite and on PostgreSQL), so that counts from several processes add up exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, select, update

from vectorstore.catalog.engine import reading, writing
from vectorstore.catalog.rows import now, utc
from vectorstore.catalog.tables import login_attempts, users


@dataclass(frozen=True)
class ThrottlePolicy:
    """How failed sign-ins slow further attempts down.

    Attributes:
        free: Failures allowed without a wait (5).
        window_s: The count starts again after this long without a failure (15 minutes).
        base_s: The wait after ``free`` failures (1 s); it doubles with each further failure.
        cap_s: The longest wait (60 s).
    """

    free: int = 5
    window_s: float = 15 * 60
    base_s: float = 1.0
    cap_s: float = 60.0

    def delay(self, failures: int) -> float:
        """Seconds the next attempt waits after ``failures`` failures (a pure function):
        0 up to ``free``, then ``base_s``, doubling per failure, at most ``cap_s``."""
        over = failures - self.free
        if over < 0:
            return 0.0
        return min(self.cap_s, self.base_s * 2.0 ** min(over, 64))


DEFAULT_POLICY = ThrottlePolicy()


@dataclass(frozen=True)
class UserRow:
    """A user (never the password hash: see :meth:`UserCatalog.password_hash`)."""

    name: str
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"name": self.name, "created_at": self.created_at.isoformat()}


@dataclass(frozen=True)
class Attempts:
    """The failed sign-ins of one key as they stand.

    Attributes:
        key: ``ui:<address>`` or ``api:<address>``.
        failures: Failures counted (0 when none, or when the last is older than the window).
        delay_s: Seconds the next attempt waits.
        last_failure: When the last failure was (``None``: none counted).
    """

    key: str
    failures: int = 0
    delay_s: float = 0.0
    last_failure: datetime | None = None


class UserCatalog:
    """The users who may sign in and the failed sign-in attempts per address (``Catalog.users``)."""

    def __init__(self, engine: Engine, policy: ThrottlePolicy = DEFAULT_POLICY) -> None:
        self.engine = engine
        self.policy = policy

    def with_policy(self, policy: ThrottlePolicy) -> UserCatalog:
        """The same catalog, counting and delaying by ``policy``."""
        return UserCatalog(self.engine, policy)

    # -- users ----------------------------------------------------------------------------

    def add_user(self, name: str, password_hash: str, at: datetime | None = None) -> bool:
        """Add user ``name`` with ``password_hash``; False (nothing changed) when it exists."""
        with writing(self.engine) as conn:
            if conn.execute(select(users.c.name).where(users.c.name == name)).first():
                return False
            conn.execute(users.insert().values(name=name, password_hash=password_hash,
                                               created_at=at or now()))
        return True

    def set_password_hash(self, name: str, password_hash: str) -> bool:
        """Replace the password hash of ``name``; False when there is no such user."""
        with writing(self.engine) as conn:
            done = conn.execute(update(users).where(users.c.name == name)
                                .values(password_hash=password_hash))
        return bool(done.rowcount)

    def remove_user(self, name: str) -> bool:
        """Remove user ``name``; False when there is no such user."""
        with writing(self.engine) as conn:
            gone = conn.execute(delete(users).where(users.c.name == name))
        return bool(gone.rowcount)

    def users(self) -> list[UserRow]:
        """Every user, by name."""
        with reading(self.engine) as conn:
            got = conn.execute(select(users.c.name, users.c.created_at)
                               .order_by(users.c.name)).all()
        return [UserRow(name, utc(at)) for name, at in got]

    def count(self) -> int:
        """How many users there are."""
        return len(self.users())

    def password_hash(self, name: str) -> str | None:
        """The password hash of ``name``, or ``None`` when there is no such user."""
        with reading(self.engine) as conn:
            got = conn.execute(select(users.c.password_hash).where(users.c.name == name)).first()
        return None if got is None else str(got[0])

    # -- failed sign-ins ------------------------------------------------------------------

    def attempts(self, key: str, at: datetime | None = None) -> Attempts:
        """The failures of ``key`` counted at ``at`` (now), and the wait of its next attempt."""
        with reading(self.engine) as conn:
            m = conn.execute(select(login_attempts).where(login_attempts.c.key == key)
                             ).mappings().first()
        return self._standing(key, m, at or now())

    def delay(self, key: str, at: datetime | None = None) -> float:
        """Seconds the next attempt of ``key`` waits."""
        return self.attempts(key, at).delay_s

    def record_failure(self, key: str, at: datetime | None = None) -> Attempts:
        """Count one failed sign-in of ``key`` (atomically: concurrent failures from several
        processes all count); returns the standing after it."""
        at = at or now()
        with writing(self.engine) as conn:
            m = conn.execute(select(login_attempts).where(login_attempts.c.key == key)
                             ).mappings().first()
            before = self._standing(key, m, at)
            failures = before.failures + 1
            values = {"failures": failures, "last_failure": at,
                      "blocked_until": at + timedelta(seconds=self.policy.delay(failures))}
            if m is None:  # a new key: the records of quiet ones go (the table stays small)
                conn.execute(delete(login_attempts).where(login_attempts.c.last_failure < (
                    at - timedelta(seconds=self.policy.window_s))))
                conn.execute(login_attempts.insert().values(key=key, first_failure=at, **values))
            else:
                if before.failures == 0:
                    values["first_failure"] = at
                conn.execute(update(login_attempts).where(login_attempts.c.key == key)
                             .values(**values))
        return Attempts(key, failures, self.policy.delay(failures), at)

    def reset(self, key: str) -> bool:
        """Forget the failures of ``key`` (a success); False when none were recorded."""
        with writing(self.engine) as conn:
            gone = conn.execute(delete(login_attempts).where(login_attempts.c.key == key))
        return bool(gone.rowcount)

    def _standing(self, key: str, m: Mapping[Any, Any] | None, at: datetime) -> Attempts:
        """The count of a stored record at ``at`` (none once the window has passed)."""
        if m is None or m["last_failure"] is None:
            return Attempts(key)
        last = utc(m["last_failure"])
        if (at - last).total_seconds() > self.policy.window_s:
            return Attempts(key)
        failures = int(m["failures"])
        return Attempts(key, failures, self.policy.delay(failures), last)
