"""Accounts: scrypt hashes that never hold the password, users in a real catalog, and the
``NEWSDESK_AUTH`` user beside them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qa import NotFound, Settings
from qa.accounts import (
    Accounts,
    hash_password,
    name_problem,
    password_problem,
    users_exist,
    verify_password,
)
from vectorstore.errors import AccountError


@pytest.fixture
def accounts(tmp_path: Path) -> Iterator[Accounts]:
    acc = Accounts.open(Settings(home=tmp_path / "home"))
    yield acc
    acc.close()


def test_a_hash_describes_itself_and_holds_neither_the_password_nor_a_fixed_salt() -> None:
    one, two = hash_password("correct horse"), hash_password("correct horse")
    kind, n, r, p, salt, digest = one.split("$")
    assert (kind, n, r, p) == ("scrypt", "16384", "8", "1") and salt and digest
    assert one != two  # a new salt each time
    assert "correct" not in one and "horse" not in one
    assert verify_password("correct horse", one) and verify_password("correct horse", two)
    assert not verify_password("correct horsE", one) and not verify_password("", one)


@pytest.mark.parametrize("bad", ["", "plain", "scrypt$x$8$1$aa$bb", "md5$16384$8$1$aa$bb",
                                 "scrypt$1073741824$8$1$AAAA$AAAA", "scrypt$16384$8$1$AAAA$"])
def test_a_hash_this_code_cannot_read_matches_nothing(bad: str) -> None:
    assert not verify_password("anything", bad)


def test_parameters_of_a_stored_hash_are_honoured() -> None:
    cheap = hash_password("pw", n=2**10, r=4, p=1)
    assert cheap.startswith("scrypt$1024$4$1$") and verify_password("pw", cheap)


def test_users_are_added_verified_listed_and_removed(accounts: Accounts) -> None:
    assert not accounts.enabled and accounts.list_users() == []
    row = accounts.add("ann", "s3cret")
    assert row.name == "ann" and accounts.enabled
    accounts.add("bob", "hunter2")
    assert [u.name for u in accounts.list_users()] == ["ann", "bob"]
    stored = accounts.users.password_hash("ann")
    assert stored is not None and "s3cret" not in stored
    assert accounts.verify("ann", "s3cret") and accounts.verify("bob", "hunter2")
    assert not accounts.verify("ann", "hunter2") and not accounts.verify("nobody", "s3cret")
    accounts.remove("ann")
    assert not accounts.verify("ann", "s3cret")
    with pytest.raises(NotFound, match="newsdesk users list"):
        accounts.remove("ann")


@pytest.mark.parametrize("name, password, message", [
    ("", "pw", "empty"), ("   ", "pw", "empty"), (" ann", "pw", "space"),
    ("session:1", "pw", "':'"), ("a\x1b[2Jb", "pw", "control"), ("x" * 201, "pw", "at most 200"),
    ("ann", "", "password is empty")])
def test_unusable_names_and_passwords_are_refused_with_the_reason(
        accounts: Accounts, name: str, password: str, message: str) -> None:
    assert message in (name_problem(name) or password_problem(password) or "")
    with pytest.raises(AccountError, match=message):
        accounts.add(name, password)
    assert accounts.list_users() == []


def test_a_name_is_taken_once_and_the_first_password_stays(accounts: Accounts) -> None:
    accounts.add("ann", "first")
    with pytest.raises(AccountError, match="exists"):
        accounts.add("ann", "second")
    assert accounts.verify("ann", "first") and not accounts.verify("ann", "second")


def test_the_newsdesk_auth_user_signs_in_beside_the_catalog_users(tmp_path: Path) -> None:
    acc = Accounts.open(Settings(home=tmp_path / "home", auth="root:pa:ss"))
    try:
        assert acc.enabled and acc.env_user == "root" and acc.list_users() == []
        acc.add("ann", "s3cret")
        assert acc.verify("root", "pa:ss") and acc.verify("ann", "s3cret")
        assert not acc.verify("root", "pa") and not acc.verify("ann", "pa:ss")
    finally:
        acc.close()


def test_users_exist_reads_the_catalog_without_making_one(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    assert not users_exist(settings) and not (tmp_path / "home").exists()
    acc = Accounts.open(settings)
    acc.add("ann", "pw")
    acc.close()
    assert users_exist(settings)


def test_every_process_of_a_desk_sees_the_same_users_and_failures(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    one, two = Accounts.open(settings), Accounts.open(settings)
    try:
        one.add("ann", "pw")
        assert two.verify("ann", "pw")
        for _ in range(6):
            one.failed("ui:10.0.0.1")
        assert two.attempts("ui:10.0.0.1").delay_s == 2
        two.succeeded("ui:10.0.0.1")
        assert one.attempts("ui:10.0.0.1").failures == 0
    finally:
        one.close()
        two.close()
