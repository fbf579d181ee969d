"""Load: concurrent UI users asking through the API of the running app (``gradio_client``).

Starts ``python app.py`` on a free 127.0.0.1 port with its data in a temporary folder (the
bundled corpus is ingested on the first start), unless ``--url`` points at a running app.
Then:

1. asks every seed question once, alone: the reference answers;
2. starts ``--users`` users at once, each with its own ``gradio_client.Client``, each asking
   ``--questions`` questions in its own order (even users through ``/ask``, odd users
   through ``/chat``, a new conversation each time), while one more client uploads
   ``--ingest`` generated articles through ``/ingest`` part-way through;
3. asks every seed question once more, alone, after the upload: the answers of the new
   store (new articles may change an answer: the answerer weighs the passages retrieved);
4. checks every answer: no error; word for word the answer one user alone gets from the
   store before or after the upload (concurrency changes nothing); and, for the questions
   the upload did not change, the expected words (taken from the seed article) are in it;
   and that the uploaded articles were stored and are answerable.

Reports throughput, latency p50/p95/max and errors as a table and as JSON
(``bench/out/load_ui.json``). Usage::

    python -m bench.load_ui [--users 20] [--questions 10] [--ingest 5] [--url URL]
        [--processes 1,2] [--no-direct] [--no-ceiling]

Unless ``--no-ceiling``, the same load then runs on a no-op Gradio app
(``bench/gradio_ceiling.py``): the most ``gradio_client`` reaches here with no work behind
it; the table gives the app's ``gradio_client`` answers/s over that, and the CPU per
request in the client (this process) and in the servers.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.common import ROOT, machine, machine_line, percentile, table, write_json
from bench.serving import Cpu, cpu_per_request, measure_cpu

SEED_ARTICLE = ROOT / "corpus" / "articles" / "000_0777dc97777bf6e9.txt"

SEED_QUESTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Who attended the 2+2 talks?", ("Le Drian", "Parly", "Lavrov", "Shoigu")),
    ("How many prisoners did Russia and Ukraine swap?", ("70",)),
    ("How many people have been killed in the fighting in eastern Ukraine?", ("13,000",)),
    ("Where is the summit of the four leaders planned?", ("Paris",)),
    ("Besides France, Russia and Ukraine, which country would be represented at the planned "
     "summit?", ("Germany",)),
    ("What did Le Drian say had opened for bringing peace to Ukraine?",
     ("window of opportunity",)),
    ("Which Russian minister welcomed France's effort to repair relations?", ("Lavrov",)),
    ("What kind of dialogue does Paris want to encourage with Moscow?",
     ("candid and demanding",)),
    ("How did Lavrov characterise progress on rebuilding ties?", ("possible and necessary",)),
    ("With whom did Macron speak by telephone the day before the ministers met?", ("Putin",)),
)
"""Questions on the seed article, each with the words its answer must contain (all of them)."""

_VOCABULARY = ("council harbour bridge river market school budget police railway museum library "
               "farmers minister mayor court hospital airport festival company union workers "
               "announced approved rejected delayed opened closed repaired expanded planned")
_WORDS = _VOCABULARY.split()


def check_questions(questions: Sequence[tuple[str, tuple[str, ...]]] = SEED_QUESTIONS) -> None:
    """Fail unless every expected word is in the seed article (so answers can contain it)."""
    text = " ".join(SEED_ARTICLE.read_text(encoding="utf-8").split())
    missing = [w for _, words in questions for w in words if w not in text]
    if missing:
        raise ValueError(f"expected words not in the seed article: {missing}")


_BODIES = ("harbour council of Dunmore", "school board of Pellow", "railway authority of Arlen",
           "hospital trust of Kestrel", "farmers union of Brackley", "museum society of Tarrow",
           "airport commission of Veldin", "river agency of Ostrum")


def write_articles(folder: Path, n: int, tag: str) -> dict[Path, str]:
    """Write ``n`` small articles, each about its own made-up project approved by its own
    body; return ``{file: project name}``."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(tag)
    out = {}
    for i in range(n):
        name = f"Quorvane{tag}{i}"
        who = _BODIES[i % len(_BODIES)]
        body = " ".join(f"The {' '.join(rng.choice(_WORDS) for _ in range(12))}."
                        for _ in range(5))
        f = folder / f"load-{tag}-{i}.txt"
        f.write_text(f"Title: The {name} project\nDate: 2022-05-{1 + i % 28:02d}\n"
                     f"Source: Load Wire\n\nThe {name} project was approved by the {who} on "
                     f"Monday, after a vote of {9 + i} to {i % 5}. {body}\n", encoding="utf-8")
        out[f] = name
    return out


@dataclass
class Call:
    """One request of one user."""

    user: int
    endpoint: str
    question: str
    start: float
    seconds: float
    text: str = ""
    error: str = ""
    expected_ok: bool = False
    same_as_alone: bool = False  # the answer one user alone gets, before or after the upload


@dataclass
class LoadResult:
    """What a load run measured and checked."""

    users: int
    questions_per_user: int
    wall_s: float = 0.0
    calls: list[Call] = field(default_factory=list)
    ingest: dict[str, Any] = field(default_factory=dict)
    ingest_start: float = 0.0
    ingest_s: float = 0.0
    ingest_error: str = ""
    uploaded_answerable: int = 0
    uploaded: int = 0
    before: dict[str, str] = field(default_factory=dict)
    after: dict[str, str] = field(default_factory=dict)
    expected: dict[str, tuple[str, ...]] = field(default_factory=dict)
    cpu: Cpu = field(default_factory=Cpu)  # during the load (the upload's included)

    @property
    def changed_by_upload(self) -> list[str]:
        """Questions whose lone-user answer differs before and after the upload."""
        return [q for q in self.before if self.after.get(q, self.before[q]) != self.before[q]]

    @property
    def errors(self) -> list[Call]:
        """Calls that raised."""
        return [c for c in self.calls if c.error]

    @property
    def during_ingest(self) -> list[Call]:
        """Calls that were in flight while the upload was being ingested."""
        end = self.ingest_start + self.ingest_s
        return [c for c in self.calls
                if c.start <= end and c.start + c.seconds >= self.ingest_start]

    @property
    def inconsistent(self) -> list[Call]:
        """Answers that one user alone gets neither before nor after the upload."""
        return [c for c in self.calls if not c.error and not c.same_as_alone]

    @property
    def wrong(self) -> list[Call]:
        """Answers without the expected words, to questions the upload did not change."""
        changed = set(self.changed_by_upload)
        return [c for c in self.calls
                if not c.error and not c.expected_ok and c.question not in changed]

    def wrong_alone(self) -> dict[str, str]:
        """Lone-user answers (before, and after for unchanged questions) without the words."""
        out = {q: a for q, a in self.before.items() if not all(w in a for w in self.expected[q])}
        changed = set(self.changed_by_upload)
        out.update({q: a for q, a in self.after.items() if q not in changed
                    and not all(w in a for w in self.expected[q])})
        return out

    def summary(self) -> dict[str, Any]:
        """The numbers, JSON-ready."""
        lat = [c.seconds for c in self.calls if not c.error]
        return {
            "users": self.users, "questions_per_user": self.questions_per_user,
            "requests": len(self.calls), "errors": len(self.errors),
            "inconsistent": len(self.inconsistent), "wrong": len(self.wrong),
            "changed_by_upload": self.changed_by_upload,
            "wall_s": round(self.wall_s, 2),
            "throughput_rps": round(len(lat) / self.wall_s, 2) if self.wall_s else 0.0,
            "p50_s": round(percentile(lat, 50), 3), "p95_s": round(percentile(lat, 95), 3),
            "max_s": round(max(lat, default=0.0), 3),
            **cpu_per_request(self.cpu, len(self.calls)),
            "ingest_during_load": {"files": self.uploaded, "added": self.ingest.get("added"),
                                   "seconds": round(self.ingest_s, 2),
                                   "requests_in_flight": len(self.during_ingest),
                                   "error": self.ingest_error or None,
                                   "answerable_after": self.uploaded_answerable},
        }


def _client(url: str) -> Any:
    from gradio_client import Client

    return Client(url, verbose=False)


def _ask(client: Any, endpoint: str, question: str) -> str:
    if endpoint == "/chat":
        r = client.predict(question, "", api_name="/chat")
    else:
        r = client.predict(question, api_name="/ask")
    return str(r["text"])


def reference_answers(url: str, questions: Sequence[tuple[str, tuple[str, ...]]],
                      seconds: list[float] | None = None) -> dict[str, str]:
    """Each question asked once, alone, through ``/ask`` (each call's time appended to
    ``seconds``: the single-client latencies)."""
    c = _client(url)
    out = {}
    for q, _ in questions:
        t = time.perf_counter()
        out[q] = _ask(c, "/ask", q)
        if seconds is not None:
            seconds.append(time.perf_counter() - t)
    return out


def run_load(url: str | Sequence[str], users: int = 20, per_user: int = 10,
             questions: Sequence[tuple[str, tuple[str, ...]]] = SEED_QUESTIONS,
             reference: dict[str, str] | None = None, ingest_files: Sequence[Path] = (),
             ingest_names: Sequence[str] = (), server_pids: Sequence[int] = ()) -> LoadResult:
    """Run ``users`` concurrent users of ``per_user`` questions each against the app at ``url``.

    Args:
        url: The app, or several processes of it (user ``i`` asks ``url[i % len(url)]``, as
            a proxy with sticky sessions would send it; the upload goes to the first).
        users: Concurrent users (threads, one ``Client`` each).
        per_user: Questions each user asks (cycling through ``questions`` from its own offset).
        questions: ``(question, words the answer must contain)``.
        reference: The answers given alone (default: asked first, serially).
        ingest_files: Uploaded through ``/ingest`` by one more client once the users have
            started; afterwards each ``ingest_names[i]`` must be answerable from its file.
        ingest_names: The made-up project name in each file.
        server_pids: The server's processes, whose CPU during the load is measured (this
            process's, the clients', always is).
    """
    urls = [url] if isinstance(url, str) else list(url)
    url = urls[0]
    ref = reference if reference is not None else reference_answers(url, questions)
    expected = dict(questions)
    result = LoadResult(users, per_user, before=dict(ref), expected=expected)
    clients = [_client(urls[i % len(urls)]) for i in range(users)]
    lock = threading.Lock()
    start = threading.Barrier(users + (1 if ingest_files else 0))
    first_answers = threading.Event()

    def user(i: int) -> None:
        endpoint = "/ask" if i % 2 == 0 else "/chat"
        start.wait()
        for j in range(per_user):
            q = questions[(i + j) % len(questions)][0]
            t = time.perf_counter()
            call = Call(i, endpoint, q, t, 0.0)
            try:
                call.text = _ask(clients[i], endpoint, q)
                call.expected_ok = all(w in call.text for w in expected[q])
            except Exception as e:
                call.error = f"{type(e).__name__}: {e}"[:300]
            call.seconds = time.perf_counter() - t
            with lock:
                result.calls.append(call)
            first_answers.set()

    def uploader() -> None:
        from gradio_client import handle_file

        c = _client(url)
        start.wait()
        first_answers.wait(timeout=120)
        t = result.ingest_start = time.perf_counter()
        try:
            result.ingest = c.predict([handle_file(str(f)) for f in ingest_files],
                                      api_name="/ingest")
        except Exception as e:
            result.ingest_error = f"{type(e).__name__}: {e}"[:300]
        result.ingest_s = time.perf_counter() - t

    threads = [threading.Thread(target=user, args=(i,), name=f"user-{i}") for i in range(users)]
    if ingest_files:
        threads.append(threading.Thread(target=uploader, name="uploader"))
    with measure_cpu(server_pids) as result.cpu:
        t0 = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        result.wall_s = time.perf_counter() - t0
    result.calls.sort(key=lambda c: c.start)
    result.after = reference_answers(url, questions) if ingest_files else dict(ref)
    for c in result.calls:
        c.same_as_alone = c.text in (result.before[c.question], result.after[c.question])
    result.uploaded = len(ingest_files)
    if ingest_files and not result.ingest_error:
        c = _client(url)
        ids = set(result.ingest.get("article_ids") or [])
        for name in ingest_names:
            r = c.predict(f"Who approved the {name} project?", api_name="/ask")
            if not r["abstained"] and any(x["article_id"] in ids and name in x["quote"]
                                          for x in r["citations"]):
                result.uploaded_answerable += 1
    return result


# --------------------------------------------------------------------------- the app


def wait_ready(url: str, proc: subprocess.Popen[bytes] | None, timeout: float = 300) -> None:
    """Wait until the app lists articles (the seed corpus is in)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"app.py exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                pass
            if _client(url).predict(api_name="/list"):
                return
        except Exception:
            pass
        time.sleep(1)
    raise TimeoutError(f"{url} not ready after {timeout} s")


def report_table(result: LoadResult) -> str:
    """The run as a Markdown table."""
    s = result.summary()
    ing = s["ingest_during_load"]
    return table(
        ["users × questions", "requests", "errors", "inconsistent", "wrong", "wall s",
         "answers/s", "p50 s", "p95 s", "max s", "ingest during load"],
        [[f"{s['users']} × {s['questions_per_user']}", s["requests"], s["errors"],
          s["inconsistent"], s["wrong"],
          s["wall_s"], s["throughput_rps"], s["p50_s"], s["p95_s"], s["max_s"],
          f"{ing['added']}/{ing['files']} added in {ing['seconds']} s, "
          f"{ing['answerable_after']} answerable" if ing["files"] else "-"]])


def _cpu(s: dict[str, Any], key: str) -> Any:
    v = s.get(key)
    return "-" if v is None else v


def serving_table(single: Sequence[float], direct: dict[str, Any] | None,
                  runs: dict[int, dict[str, Any]], v1: dict[int, dict[str, Any]] | None = None,
                  ceiling: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
    """Direct vs one process vs several, with the ratios the targets name: answers/s over
    the direct baseline's (target ≥ 0.6) and p95 over the single-client p95 (target ≤ 10);
    with ``ceiling`` (the same load on a no-op Gradio app), the ``gradio_client`` runs'
    answers/s over its; and the CPU per request in the client and the server processes."""
    p95_single = percentile(single, 95)
    rows: list[list[Any]] = [["1 client alone (gradio_client)", len(single), 0,
                              round(len(single) / sum(single), 2) if single else 0.0,
                              round(percentile(single, 50), 3), round(p95_single, 3), "-", "1.0",
                              "-", "-", "-"]]
    ratios: dict[str, Any] = {"single_p95_s": round(p95_single, 3)}
    if direct is not None:
        rows.append([f"direct: {direct['users']} threads calling desk.ask()", direct["requests"],
                     direct["errors"], direct["throughput_rps"], direct["p50_s"],
                     direct["p95_s"], "1.0", round(direct["p95_s"] / p95_single, 1),
                     "-", "-", "-"])
    top = ceiling["throughput_rps"] if ceiling else 0.0
    for results, clients, suffix in ((runs, "gradio_client users", ""),
                                     (v1 or {}, "HTTP clients on /v1", "_v1")):
        for n, s in results.items():
            vs_direct = round(s["throughput_rps"] / direct["throughput_rps"], 2) if direct \
                else None
            vs_single = round(s["p95_s"] / p95_single, 1) if p95_single else None
            vs_top = round(s["throughput_rps"] / top, 2) if top and not suffix else None
            ratios[f"{n}_process{suffix}"] = {"answers_per_s_vs_direct": vs_direct,
                                              "p95_vs_single_client_p95": vs_single,
                                              "answers_per_s_vs_ceiling": vs_top}
            rows.append([f"{s['users']} {clients}, {n} app process{'es' if n > 1 else ''}",
                         s["requests"], s["errors"], s["throughput_rps"], s["p50_s"],
                         s["p95_s"], vs_direct if vs_direct is not None else "-", vs_single,
                         vs_top if vs_top is not None else "-",
                         _cpu(s, "client_cpu_ms_per_req"), _cpu(s, "server_cpu_ms_per_req")])
    if ceiling:
        ratios["ceiling"] = ceiling
        rows.append([f"{ceiling['users']} gradio_client users, no-op Gradio endpoint "
                     "(the client's ceiling)", ceiling["requests"], ceiling["errors"], top,
                     ceiling["p50_s"], ceiling["p95_s"],
                     round(top / direct["throughput_rps"], 2) if direct else "-",
                     round(ceiling["p95_s"] / p95_single, 1) if p95_single else "-", "1.0",
                     _cpu(ceiling, "client_cpu_ms_per_req"),
                     _cpu(ceiling, "server_cpu_ms_per_req")])
    if len(runs) > 1 and 1 in runs:
        one = runs[1]["throughput_rps"]
        ratios["processes_vs_one"] = {n: round(s["throughput_rps"] / one, 2) if one else None
                                      for n, s in runs.items() if n != 1}
    return table(["run", "requests", "errors", "answers/s", "p50 s", "p95 s",
                  "answers/s ÷ direct", "p95 ÷ 1-client p95", "answers/s ÷ ceiling",
                  "client CPU ms/req", "server CPU ms/req"], rows), ratios


def _measure(args: argparse.Namespace, tmp: Path, counts: list[int]
             ) -> tuple[list[float], dict[str, Any] | None, dict[int, LoadResult],
                        dict[int, dict[str, Any]], dict[str, Any] | None]:
    """Start the apps (unless ``--url``), then: the single client, the direct baseline, and
    per process count one ``/v1`` run and one ``gradio_client`` load run, in that order;
    then, the apps stopped, the same load on a no-op Gradio app (unless ``--no-ceiling``)."""
    from bench.gradio_ceiling import run_ceiling
    from bench.serving import run_direct, run_v1, start_apps

    apps = None if args.url else start_apps(tmp, max(counts))
    urls = [args.url] if apps is None else apps.urls
    try:
        for i, u in enumerate(urls):
            wait_ready(u, apps.procs[i] if apps else None)
        single: list[float] = []
        ref = reference_answers(urls[0], SEED_QUESTIONS, single)
        reference_answers(urls[0], SEED_QUESTIONS, single)  # 20 single-client samples
        direct = None
        if apps is not None and not args.no_direct:
            direct = run_direct(apps.env, [q for q, _ in SEED_QUESTIONS], args.users,
                                args.questions).summary()
        runs: dict[int, LoadResult] = {}
        v1: dict[int, dict[str, Any]] = {}
        for n in counts:
            # the app processes serving these n URLs, and the chroma server when several
            pids = [] if apps is None else [p.pid for p in apps.procs[:n] + apps.procs[max(counts):]]
            if apps is not None:
                v1[n] = run_v1(urls[:n], [q for q, _ in SEED_QUESTIONS], args.users,
                               args.questions, server_pids=pids).summary()
            files = write_articles(tmp / f"upload{n}", args.ingest, f"b{n}")
            runs[n] = run_load(urls[:n], args.users, args.questions, SEED_QUESTIONS, ref,
                               list(files), list(files.values()), server_pids=pids)
            ref = runs[n].after
    finally:
        if apps is not None:
            apps.stop()
    ceiling = None if args.no_ceiling else run_ceiling(tmp, args.users, args.questions)
    return single, direct, runs, v1, ceiling


def main(argv: Sequence[str] | None = None) -> int:
    """Run the load benchmark; exit 1 on any error or wrong answer."""
    p = argparse.ArgumentParser(prog="bench.load_ui", description=__doc__.split("\n")[0])
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--questions", type=int, default=10, help="questions per user")
    p.add_argument("--ingest", type=int, default=5, help="articles uploaded during the load")
    p.add_argument("--url", help="a running app (default: start one)")
    p.add_argument("--processes", default="1",
                   help="app processes to measure, e.g. 1,2 (several: on one chroma run "
                        "server and one catalog, users spread over them)")
    p.add_argument("--no-direct", action="store_true",
                   help="skip the direct baseline (threads calling desk.ask())")
    p.add_argument("--no-ceiling", action="store_true",
                   help="skip the same load on a no-op Gradio app (gradio_client's ceiling)")
    args = p.parse_args(argv)
    check_questions()
    counts = [1] if args.url else sorted({int(x) for x in args.processes.split(",")})
    m = machine()
    with tempfile.TemporaryDirectory(prefix="newsdesk-load-") as tmp:
        single, direct, runs, v1, ceiling = _measure(args, Path(tmp), counts)
    print(machine_line(m) + f"; load average at the end {os.getloadavg()[0]:.2f}")
    text, ratios = serving_table(single, direct, {n: r.summary() for n, r in runs.items()}, v1,
                                 ceiling)
    print(text)
    ok = True
    for n, result in runs.items():
        print(f"\n{n} process(es):")
        print(report_table(result))
        for c in result.errors[:5] + result.inconsistent[:5] + result.wrong[:5]:
            print(f"  user {c.user} {c.endpoint} {c.question!r}: {c.error or c.text[:120]!r}")
        for q in result.changed_by_upload:
            print(f"  changed by the upload (for one user alone too): {q!r}\n"
                  f"    before: {result.before[q][:100]!r}\n    after:  {result.after[q][:100]!r}")
        ok = ok and not (result.errors or result.inconsistent or result.wrong
                         or result.wrong_alone() or result.ingest_error) \
            and result.uploaded_answerable == result.uploaded
    ok = ok and all(s["errors"] == 0 for s in v1.values()) and not (ceiling or {}).get("errors")
    out = write_json("load_ui", {
        "machine": m, "load_avg_end": os.getloadavg(), "single_client_s": single,
        "direct": direct, "v1": v1, "ceiling": ceiling, "ratios": ratios,
        "runs": {n: {"summary": r.summary(), "calls": [asdict(c) for c in r.calls]}
                 for n, r in runs.items()}})
    print(f"JSON: {out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
