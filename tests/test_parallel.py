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


def test_chunks_cover_everything_in_order_and_shrink_toward_the_end():
    from hypothesis import given, settings, strategies as st

    @settings(max_examples=150, deadline=None)
    @given(st.integers(1, 20_000), st.integers(1, 8), st.integers(20, 2_000), st.integers(1, 100))
    def check(count, workers, size, least):
        size = max(size, least)
        chunks = parallel.chunked(count, workers, size, least)
        assert [a for a, _ in chunks] == [0] + [b for _, b in chunks[:-1]] and chunks[-1][1] == count   # all, once, in order
        steps = [b - a for a, b in chunks]
        assert all(least <= s <= size for s in steps[:-1]) and 0 < steps[-1] <= size
        assert steps[:-1] == sorted(steps[:-1], reverse=True)    # never bigger again
        # what is left after each chunk is at least twice the next chunk per worker, until
        # the chunks are as small as allowed: the workers finish close together
        for k, (a, b) in enumerate(chunks[:-1]):
            assert steps[k] == least or steps[k] <= max(least, (count - a) // (2 * workers))

    check()
    # 13,747 pages on two workers: the last pages come 20 at a time
    steps = [b - a for a, b in parallel.chunked(13_747, 2, 429, 20)]
    assert steps[0] == 429 and steps[-2] == 20 and sum(steps[-6:]) < 150


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


def test_pimap_streams_in_order_and_stops_its_workers(monkeypatch):
    import multiprocessing

    monkeypatch.setenv("KYODO_JOBS", "2")
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
    with parallel.pimap(lambda i: (i * 3, os.getpid()), 1000) as stream:
        got = list(stream)
    assert [v for v, _ in got] == [i * 3 for i in range(1000)]
    assert any(pid != os.getpid() for _, pid in got)          # really ran in workers
    assert multiprocessing.active_children() == [] and parallel._job is None
    # left early (an error in this process while reading): the workers stop too
    try:
        with parallel.pimap(lambda i: i, 1000) as stream:
            for value in stream:
                if value == 5:
                    raise KeyError("stop")
    except KeyError:
        pass
    assert multiprocessing.active_children() == [] and parallel._job is None


def test_pimap_raises_a_workers_error_and_works_in_process_when_small(monkeypatch):
    import pytest

    monkeypatch.setenv("KYODO_JOBS", "2")
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)

    def fail(i):
        if i == 700:
            raise ValueError("seven hundred")
        return i
    with pytest.raises(ValueError, match="seven hundred"):
        with parallel.pimap(fail, 1000) as stream:
            list(stream)
    with parallel.pimap(lambda i: os.getpid(), 10) as stream:
        assert list(stream) == [os.getpid()] * 10


def test_a_stream_closed_inside_another_leaves_the_outer_one_working(monkeypatch):
    monkeypatch.setenv("KYODO_JOBS", "2")
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
    outer_job = lambda i: i + 1   # noqa: E731
    with parallel.pimap(outer_job, 1000) as outer:
        with parallel.pimap(lambda i: i, 5) as inner:    # small: in this process
            assert list(inner) == [0, 1, 2, 3, 4]
        assert parallel._job is outer_job                  # not undone by the inner stream
        assert list(outer) == [i + 1 for i in range(1000)]
    assert parallel._job is None


def _alive(pid: int) -> bool:
    """Still a process (a reaped child is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_background_answers_from_a_child_and_leaves_nothing(monkeypatch):
    monkeypatch.setenv("KYODO_JOBS", "2")
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
    with parallel.Background(lambda: {"pid": os.getpid(), "data": list(range(5))}) as job:
        assert job.pid is not None and job.pid != os.getpid()
        child = job.pid
        value = job.result()
    assert value == {"pid": child, "data": [0, 1, 2, 3, 4]}
    assert job.pid is None and job.fd is None
    # Not asked for: the child is stopped and reaped at the end of the block.
    import time
    with parallel.Background(lambda: time.sleep(60)) as job:
        child = job.pid
    assert child and not _alive(child)


def test_background_computes_here_when_the_child_fails_or_cannot_run(monkeypatch):
    monkeypatch.setenv("KYODO_JOBS", "2")
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
    parent = os.getpid()

    def only_here():
        if os.getpid() != parent:
            raise RuntimeError("fails in the child")
        return "here"
    with parallel.Background(only_here) as job:
        assert job.pid is not None
        assert job.result() == "here"          # the child failed: computed in this process
    with parallel.Background(threading.Lock) as job:   # an answer that cannot be pickled
        assert job.pid is not None
        assert type(job.result()) is type(threading.Lock())
    for why in ("threads", "one core", "asked"):
        if why == "threads":
            monkeypatch.setattr(parallel.threading, "active_count", lambda: 2)
        if why == "one core":
            monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
            monkeypatch.setenv("KYODO_JOBS", "1")
        with parallel.Background(os.getpid, fork=why != "asked") as job:
            assert job.pid is None and job.result() == parent, why


def test_later_writes_in_a_child_and_finish_waits_for_it(monkeypatch, tmp_path):
    monkeypatch.setenv("KYODO_JOBS", "2")
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
    parent = os.getpid()
    out = tmp_path / "written"

    def write() -> None:
        import time
        time.sleep(0.2)
        out.write_text(str(os.getpid()))
    parallel.later(write)
    assert len(parallel._LATER) == 1 and not out.exists()     # the parent went on at once
    parallel.finish()
    assert parallel._LATER == [] and out.read_text() != str(parent)   # written by the child, waited for

    parallel.later(write, fork=False)                           # small work: here, at once
    assert parallel._LATER == [] and out.read_text() == str(parent)

    out.unlink()

    def fails_in_the_child() -> None:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        out.write_text("here")
    parallel.later(fails_in_the_child)
    parallel.finish()
    assert out.read_text() == "here"                            # done here instead


def _blocked() -> list[int]:
    import signal
    return sorted(int(s) for s in signal.pthread_sigmask(signal.SIG_BLOCK, []))


def test_stop_signals_wait_while_forking_and_are_handled_by_the_parent_alone(monkeypatch, tmp_path):
    """kyodo.parallel holds Ctrl+C and SIGTERM while it forks (a signal caught during
    a fork was also handled by the child with this process's handler, and left a
    pool worker stuck at its start while the parent waited for it): one sent then
    is handled once, here, after the fork; the child takes signals again."""
    import signal
    monkeypatch.setenv("KYODO_JOBS", "2")
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
    seen = tmp_path / "seen"

    def handler(signum, frame):
        with open(seen, "a") as f:
            f.write(f"{os.getpid()}\n")
    real_fork, at_fork = os.fork, []

    def fork():
        at_fork.append(_blocked())
        os.kill(os.getpid(), signal.SIGTERM)   # arrives while forking
        return real_fork()
    before = _blocked()
    old = signal.signal(signal.SIGTERM, handler)
    try:
        monkeypatch.setattr(parallel.os, "fork", fork)
        with parallel.Background(_blocked) as job:
            assert job.forked
            in_child = job.result()
    finally:
        signal.signal(signal.SIGTERM, old)
    assert int(signal.SIGTERM) in at_fork[0] and int(signal.SIGINT) in at_fork[0]   # held while forking
    assert seen.read_text().split() == [str(os.getpid())]
    assert int(signal.SIGTERM) not in in_child and int(signal.SIGINT) not in in_child   # released there
    assert _blocked() == before                                                      # and here


def test_pool_workers_take_stop_signals_again_and_the_parent_too(monkeypatch):
    import signal
    monkeypatch.setenv("KYODO_JOBS", "2")
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
    before = _blocked()
    masks = parallel.pmap(lambda i: (os.getpid(), _blocked()), parallel.MIN_ITEMS)
    assert {pid for pid, _ in masks} - {os.getpid()}                  # really in workers
    assert all(int(signal.SIGINT) not in m and int(signal.SIGTERM) not in m for _, m in masks)
    assert _blocked() == before


def test_shared_work_meets_in_the_middle_in_order(monkeypatch):
    """Shared: this process takes items from the front, a child from the back;
    together every item once, in order, whatever the speed of either side."""
    monkeypatch.setenv("KYODO_JOBS", "2")
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
    parent = os.getpid()
    import time

    for count, slow_here in [(0, False), (1, False), (7, False), (500, False), (500, True), (333, True)]:
        def item(i, slow_here=slow_here):
            if slow_here and os.getpid() == parent:
                time.sleep(0.0005)   # this process is the slow one: the child takes most
            return (i, os.getpid())
        with parallel.Shared(item, count, send=lambda r: [r[0], r[1]], take=tuple) as both:
            made = both.results()
        assert [i for i, _ in made] == list(range(count)), count
        assert all(type(r) is tuple for r in made)   # the child's come back through ``take``
        who = [pid for _, pid in made]
        # Each side made one unbroken run: the front here, the back in the child.
        here = sum(1 for pid in who if pid == parent)
        assert all(pid == parent for pid in who[:here]) and all(pid != parent for pid in who[here:]), count
        if slow_here:
            assert here < count // 2, (count, here)


def test_shared_work_is_made_here_when_the_child_fails_or_cannot_run(monkeypatch):
    monkeypatch.setenv("KYODO_JOBS", "2")
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
    parent = os.getpid()

    def fails_in_child(i):
        if os.getpid() != parent and i > 250:
            os._exit(3)   # the child dies after taking items from the back
        return i * 2
    with parallel.Shared(fails_in_child, 400) as both:
        assert both.results() == [i * 2 for i in range(400)]   # what the child had taken: made here

    def unpicklable(i):
        return threading.Lock() if os.getpid() != parent else i
    with parallel.Shared(unpicklable, 300) as both:
        assert both.results() == list(range(300))
    for why in ("threads", "asked"):
        if why == "threads":
            monkeypatch.setattr(parallel.threading, "active_count", lambda: 2)
        with parallel.Shared(lambda i: (i, os.getpid()), 300, fork=why != "asked") as both:
            assert both.job is None
            assert both.results() == [(i, parent) for i in range(300)], why
