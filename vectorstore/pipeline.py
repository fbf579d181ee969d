"""Three stages in a row: a producer thread, the calling thread, a consumer thread.

Ingest plans batches in one thread, encodes them in the calling thread and writes them
in another, with small bounded queues between, so that everything but the encoder
hides behind it. Items reach the consumer in the order they were produced.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")

_END = object()
_QUEUE_SIZE = 2


@dataclass(frozen=True)
class StageTimes:
    """Seconds the calling thread spent working, and waiting for each neighbour."""

    work_s: float = 0.0
    wait_for_producer_s: float = 0.0
    wait_for_consumer_s: float = 0.0


def put(q: queue.Queue[Any], item: Any, stop: threading.Event, force: bool = False) -> None:
    """Put ``item`` on a bounded queue, giving up once ``stop`` is set (unless ``force``)."""
    while True:
        try:
            q.put(item, timeout=0.1)
            return
        except queue.Full:
            if stop.is_set():
                if not force:
                    return
                drain(q)


def drain(q: queue.Queue[Any]) -> None:
    """Empty ``q`` without waiting."""
    while True:
        try:
            q.get_nowait()
        except queue.Empty:
            return


class Pipeline(Generic[T]):
    """Run ``produce`` in a thread, ``work`` here, ``consume`` in a thread, item by item.

    Args:
        produce: Yields the items; called in its thread with the stop event, which it
            checks between items (set when a stage fails).
        work: Runs on each item, in the calling thread.
        consume: Runs on each worked item, in order, in its thread.
        after_each: Runs in the calling thread after each item is handed to ``consume``.
    """

    def __init__(self, produce: Callable[[threading.Event], Iterable[T]],
                 work: Callable[[T], None], consume: Callable[[T], None],
                 after_each: Callable[[], None] = lambda: None) -> None:
        self._produce, self._work, self._consume = produce, work, consume
        self._after_each = after_each
        self._produced: queue.Queue[Any] = queue.Queue(maxsize=_QUEUE_SIZE)
        self._worked: queue.Queue[Any] = queue.Queue(maxsize=_QUEUE_SIZE)
        self._stop = threading.Event()
        self._errors: list[BaseException] = []

    def _guarded(self, fn: Callable[[], None]) -> Callable[[], None]:
        """``fn``, its error kept for the calling thread (and every stage told to stop)."""
        def go() -> None:
            try:
                fn()
            except BaseException as e:  # handed to the calling thread
                self._errors.append(e)
                self._stop.set()
        return go

    def _producer(self) -> None:
        try:
            for item in self._produce(self._stop):
                put(self._produced, item, self._stop)
        finally:
            put(self._produced, _END, self._stop, force=True)

    def _consumer(self) -> None:
        while True:
            item = self._worked.get()
            if item is _END:
                return
            if self._stop.is_set():
                continue  # drain, so the calling thread never blocks
            self._consume(item)

    def run(self) -> tuple[StageTimes, BaseException | None]:
        """Run every item through; return the times and the first error of a thread.

        An error in ``work`` is raised at once, after the threads have stopped.
        """
        producer = threading.Thread(target=self._guarded(self._producer), name="ingest-plan",
                                    daemon=True)
        consumer = threading.Thread(target=self._guarded(self._consumer), name="ingest-write",
                                    daemon=True)
        producer.start()
        consumer.start()
        try:
            times = self._loop()
        finally:
            if self._stop.is_set():
                drain(self._produced)
            put(self._worked, _END, self._stop, force=True)
            consumer.join()
            self._stop.set()  # the producer stops at its next item
            drain(self._produced)
            producer.join()
        return times, (self._errors[0] if self._errors else None)

    def _loop(self) -> StageTimes:
        """Work each produced item and hand it on, until the end or a stop."""
        work = wait_produce = wait_consume = 0.0
        while True:
            t = time.perf_counter()
            item = self._produced.get()
            wait_produce += time.perf_counter() - t
            if item is _END or self._stop.is_set():
                break
            t = time.perf_counter()
            self._work(item)
            work += time.perf_counter() - t
            t = time.perf_counter()
            put(self._worked, item, self._stop)
            wait_consume += time.perf_counter() - t
            self._after_each()
        return StageTimes(work, wait_produce, wait_consume)
