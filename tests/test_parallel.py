import os
import threading

from kyodo import parallel


def test_pmap_keeps_order_across_processes(monkeypatch):
    monkeypatch.setenv("KYODO_JOBS", "2")
    # Other tests' servers may be running threads; pretend they are not.
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
    pids = parallel.pmap(lambda i: (i * i, os.getpid()), 1000)
    assert [v for v, _ in pids] == [i * i for i in range(1000)]
    assert any(pid != os.getpid() for _, pid in pids)        # really ran in workers


def test_pmap_stays_in_process_while_threads_run(monkeypatch):
    monkeypatch.setenv("KYODO_JOBS", "2")
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        pids = parallel.pmap(lambda i: os.getpid(), 1000)
    finally:
        stop.set()
        t.join()
    assert set(pids) == {os.getpid()}


def test_pmap_small_jobs_and_one_job(monkeypatch):
    monkeypatch.setenv("KYODO_JOBS", "1")
    assert parallel.pmap(lambda i: os.getpid(), 1000) == [os.getpid()] * 1000
    monkeypatch.setenv("KYODO_JOBS", "2")
    assert parallel.pmap(lambda i: i, 3) == [0, 1, 2]
