"""The three-stage pipeline (vectorstore.pipeline): order, hand-over and errors of each stage."""

from __future__ import annotations

import threading

import pytest

from vectorstore.pipeline import Pipeline


def numbers(n: int, fail_at: int | None = None):
    def produce(stop: threading.Event):
        for i in range(n):
            if stop.is_set():
                return
            if i == fail_at:
                raise ValueError(f"cannot produce {i}")
            yield [i]
    return produce


def test_items_pass_every_stage_in_order_each_in_its_thread():
    seen: dict[str, list[int]] = {"work": [], "consume": []}
    threads: dict[str, set[str]] = {"work": set(), "consume": set()}
    after = []

    def work(item: list[int]) -> None:
        threads["work"].add(threading.current_thread().name)
        seen["work"].append(item[0])
        item.append(item[0] * 10)

    def consume(item: list[int]) -> None:
        threads["consume"].add(threading.current_thread().name)
        seen["consume"].append(item[1])

    times, error = Pipeline(numbers(50), work, consume, lambda: after.append(1)).run()
    assert error is None
    assert seen["work"] == list(range(50)) and seen["consume"] == [10 * i for i in range(50)]
    assert threads["work"] == {threading.current_thread().name}
    assert threads["consume"] == {"ingest-write"} and len(after) == 50
    assert times.work_s >= 0 and times.wait_for_producer_s >= 0


def test_a_producer_error_stops_the_run_and_is_returned():
    consumed: list[int] = []
    _, error = Pipeline(numbers(10, fail_at=4), lambda item: None,
                        lambda item: consumed.append(item[0])).run()
    assert isinstance(error, ValueError) and str(error) == "cannot produce 4"
    assert consumed == list(range(len(consumed))) and len(consumed) <= 4  # in order, then stop


def test_a_consumer_error_stops_the_producer_and_is_returned():
    produced: list[int] = []

    def produce(stop: threading.Event):
        for i in range(10_000):
            if stop.is_set():
                return
            produced.append(i)
            yield [i]

    def consume(item: list[int]) -> None:
        if item[0] == 3:
            raise OSError("disk full")

    _, error = Pipeline(produce, lambda item: None, consume).run()
    assert isinstance(error, OSError) and str(error) == "disk full"
    assert len(produced) < 100  # stopped early, not run to the end


def test_a_work_error_is_raised_in_the_calling_thread():
    consumed: list[int] = []

    def work(item: list[int]) -> None:
        if item[0] == 2:
            raise RuntimeError("encoder failed")

    with pytest.raises(RuntimeError, match="encoder failed"):
        Pipeline(numbers(10), work, lambda item: consumed.append(item[0])).run()
    assert consumed == [0, 1]
