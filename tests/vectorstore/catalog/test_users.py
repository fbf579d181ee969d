"""Users and failed sign-ins in the catalog, on SQLite and PostgreSQL: the counts of several
processes add up, the window and the doubling wait follow the policy."""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from vectorstore.catalog import Catalog, open_catalog
from vectorstore.catalog.users import DEFAULT_POLICY, ThrottlePolicy

T0 = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
CTX = mp.get_context("fork")  # the children open their own connections


def test_users_are_added_once_listed_by_name_and_removed(cat: Catalog) -> None:
    assert cat.users.users() == [] and cat.users.count() == 0
    assert cat.users.add_user("zoe", "scrypt$z", at=T0)
    assert cat.users.add_user("ann", "scrypt$a", at=T0)
    assert not cat.users.add_user("ann", "scrypt$other")  # a name is taken once
    assert [u.name for u in cat.users.users()] == ["ann", "zoe"]
    assert cat.users.users()[0].created_at == T0
    assert cat.users.password_hash("ann") == "scrypt$a"  # the first one stays
    assert "scrypt" not in str(cat.users.users()[0].to_dict())
    assert cat.users.set_password_hash("ann", "scrypt$new") and not cat.users.set_password_hash(
        "bob", "x")
    assert cat.users.password_hash("ann") == "scrypt$new"
    assert cat.users.remove_user("ann") and not cat.users.remove_user("ann")
    assert cat.users.password_hash("ann") is None and cat.users.count() == 1


def test_every_process_sees_the_same_users(open_cat: Callable[..., Catalog]) -> None:
    one, two = open_cat(), open_cat()
    one.users.add_user("ann", "h")
    assert [u.name for u in two.users.users()] == ["ann"] and not two.users.add_user("ann", "h")


@pytest.mark.parametrize("failures, expected", [(0, 0), (4, 0), (5, 1), (6, 2), (7, 4),
                                                (10, 32), (11, 60), (500, 60)])
def test_the_wait_is_free_for_five_failures_then_doubles_from_one_second_to_sixty(
        failures: int, expected: float) -> None:
    assert DEFAULT_POLICY.delay(failures) == expected


def test_failures_count_up_and_a_success_forgets_them(cat: Catalog) -> None:
    key = "ui:10.0.0.7"
    for n in range(1, 8):
        got = cat.users.record_failure(key, at=T0 + timedelta(seconds=n))
        assert got.failures == n and got.delay_s == DEFAULT_POLICY.delay(n)
    now = T0 + timedelta(seconds=10)
    assert cat.users.attempts(key, at=now).failures == 7 and cat.users.delay(key, at=now) == 4
    assert cat.users.delay("ui:10.0.0.8", at=now) == 0  # another address
    assert cat.users.reset(key) and not cat.users.reset(key)
    assert cat.users.attempts(key, at=now).failures == 0


def test_the_count_starts_again_after_the_window_without_failures(cat: Catalog) -> None:
    key = "api:10.0.0.7"
    for n in range(6):
        cat.users.record_failure(key, at=T0 + timedelta(minutes=n))  # one a minute: counted
    last = T0 + timedelta(minutes=5)
    assert cat.users.delay(key, at=last + timedelta(minutes=15)) == 2
    later = last + timedelta(minutes=15, seconds=1)
    assert cat.users.attempts(key, at=later).failures == 0
    assert cat.users.record_failure(key, at=later).failures == 1


def test_a_new_key_clears_the_records_of_quiet_ones(cat: Catalog) -> None:
    cat.users.record_failure("ui:old", at=T0)
    cat.users.record_failure("ui:new", at=T0 + timedelta(hours=1))
    assert not cat.users.reset("ui:old") and cat.users.reset("ui:new")


def test_a_policy_of_ones_own(cat: Catalog) -> None:
    quick = cat.users.with_policy(ThrottlePolicy(free=1, base_s=0.25, cap_s=1))
    assert [quick.record_failure("k").delay_s for _ in range(4)] == [0.25, 0.5, 1, 1]
    assert cat.users.delay("k") == 0  # the default policy counts the same 4 as free


def _fail(url: str, key: str, n: int, barrier: Any) -> None:
    cat = open_catalog(url, process="throttle")
    barrier.wait(timeout=60)
    for _ in range(n):
        cat.users.record_failure(key)
    cat.close()


def test_failures_from_several_processes_at_once_all_count(cat: Catalog,
                                                           catalog_url: str) -> None:
    n, procs = 15, 3
    barrier = CTX.Barrier(procs)
    workers = [CTX.Process(target=_fail, args=(catalog_url, "ui:10.1.1.1", n, barrier))
               for _ in range(procs)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
        assert w.exitcode == 0
    assert cat.users.attempts("ui:10.1.1.1").failures == n * procs
