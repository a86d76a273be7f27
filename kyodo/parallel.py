"""Spread independent work over the machine's cores.

Uses forked worker processes so that workers share the already-built model
without pickling it. Results keep the input order, so output stays
byte-identical to a sequential run. Small jobs, platforms without fork, and
processes that run other threads (forking those can deadlock, e.g. the
development server) work in this process.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator

MIN_ITEMS = 400          # below this, starting processes costs more than it saves

_job: Callable | None = None


def _run_chunk(bounds: tuple[int, int]) -> list:
    start, end = bounds
    return [_job(i) for i in range(start, end)]


_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Linux: this (child) process is killed when its parent dies, even by SIGKILL.

    Used for pool workers, so a killed build leaves no process behind.
    Elsewhere a no-op.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (AttributeError, OSError):
        pass


_STOPS = {signal.SIGINT, signal.SIGTERM}


def _hold_signals():
    """Ctrl+C and SIGTERM wait while this process forks. A signal that arrived
    during a fork would otherwise be handled in the child too, by the parent's
    handler, before the child set its own (seen as a pool worker stuck at its
    start while the interrupted parent waited for it). A held signal is
    handled here once released; the children, which inherit the mask, release
    it when their own handlers are set (:func:`_init_worker`). Threads started
    meanwhile (a pool's) keep them held, so the main thread gets them.
    Returns what :func:`_release_signals` needs."""
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)


def _release_signals(held) -> None:
    if held is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


@contextlib.contextmanager
def _signals_held():
    """:func:`_hold_signals` for a block (a pool's children never come back to it)."""
    held = _hold_signals()
    try:
        yield
    finally:
        _release_signals(held)


def _init_worker(parent: int) -> None:
    # Ctrl+C and SIGTERM are handled by the parent, which stops the pool: a
    # worker ends quietly, without a KeyboardInterrupt or BrokenPipe traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):   # held by the parent while it forked (_signals_held)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)
    die_with_parent()
    if os.getppid() != parent:   # the parent died before the line above
        os._exit(1)


def workers() -> int:
    env = os.environ.get("KYODO_JOBS")
    if env and env.isdigit():
        return max(1, int(env))
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def _can_fork() -> bool:
    """Forked workers can run: two cores or more, no other thread in this process
    (forking one can deadlock, e.g. the development server), a system with fork."""
    return workers() >= 2 and threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


def _in_process(count: int, min_items: int) -> bool:
    return count < min_items or not _can_fork()


def pimap(func: Callable[[int], object], count: int, min_items: int = MIN_ITEMS) -> "Stream":
    """``pmap`` as an iterator: the results in order, each chunk as soon as it is
    done, so that this process works on the first ones while the workers make
    the rest. Use it in a ``with`` block: the workers stop at its end, and until
    then their pool's threads keep other parallel work in this process."""
    return Stream(func, count, min_items, parts=16, least=20)


def pmap(func: Callable[[int], object], count: int, min_items: int = MIN_ITEMS) -> list:
    """``[func(i) for i in range(count)]``, in parallel when it pays off
    (``min_items``: fewer items than this run here)."""
    with Stream(func, count, min_items, parts=8, least=50) as results:
        return list(results)


def chunked(count: int, workers: int, size: int, least: int) -> list[tuple[int, int]]:
    """``range(count)`` cut into chunks of ``size`` items, smaller toward the end
    (never below ``least``): a free worker takes the next chunk, so the workers
    finish close together even when the last items cost the most (the
    statistics pages come after 10,000 case pages, and one chunk of them took
    a second while the other worker had nothing left to do)."""
    chunks, start = [], 0
    while start < count:
        step = max(least, min(size, (count - start) // (2 * workers)))
        chunks.append((start, min(start + step, count)))
        start += step
    return chunks


class Stream:
    """``func(0) … func(count - 1)`` in order, from forked workers when it pays off.

    ``parts``: chunks per worker (more: the first results sooner); ``least``: the
    smallest chunk of a large job. A small job given a low ``min_items`` (a few
    expensive items) is cut into four chunks per worker."""

    def __init__(self, func: Callable[[int], object], count: int, min_items: int, parts: int, least: int):
        global _job
        self.pool = None
        self.frozen = False
        if _in_process(count, min_items):
            self.items: Iterator = (func(i) for i in range(count))
            return
        n = workers()
        if count >= MIN_ITEMS:
            size = max(least, count // (n * parts))
        else:   # a few expensive items: four chunks per worker, all of one size
            size = least = max(1, -(-count // (n * 4)))
        chunks = chunked(count, n, size, least)
        _job = func
        # The workers share this process's objects page by page (copy on write): keep
        # their garbage collector off them, or each worker would copy the whole heap.
        gc.freeze()
        self.frozen = True
        try:
            with _signals_held():
                self.pool = multiprocessing.get_context("fork").Pool(n, initializer=_init_worker,
                                                                     initargs=(os.getpid(),))
        except BaseException:
            self.close()
            raise
        self.items = (item for part in self.pool.imap(_run_chunk, chunks) for item in part)

    def __iter__(self) -> Iterator:
        return self.items

    def close(self) -> None:
        """Stop the workers (at once, if results are still coming) and undo what this stream set."""
        global _job
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None
        if self.frozen:
            self.frozen = False
            _job = None
            gc.unfreeze()

    def __enter__(self) -> "Stream":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Background:
    """``func()`` in one forked child while this process does other work;
    :meth:`result` gives its value. ``func`` returns plain data (it is pickled
    back through a pipe). Where a child does not pay or is not safe (one core,
    other threads running, no fork, ``fork=False``) and when the child fails,
    :meth:`result` calls ``func`` here instead. Use it in a ``with`` block: the
    child is stopped at its end if its value was not asked for."""

    def __init__(self, func: Callable[[], object], fork: bool = True):
        self.func = func
        self.pid: int | None = None
        self.fd: int | None = None
        if not fork or not _can_fork():
            return
        parent = os.getpid()
        read, write = os.pipe()
        held = _hold_signals()   # released here after the fork, and by the child in _init_worker
        try:
            pid = os.fork()
        except BaseException:
            _release_signals(held)
            raise
        if pid == 0:   # the child: compute, send, leave without running the parent's exit handlers
            status = 1
            try:
                os.close(read)
                _init_worker(parent)
                data = pickle.dumps(func(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as out:
                    out.write(data)
                status = 0
            finally:
                os._exit(status)
        _release_signals(held)
        os.close(write)
        self.pid, self.fd = pid, read

    @property
    def forked(self) -> bool:
        """The value is being computed in a child (:meth:`result` waits for it)."""
        return self.pid is not None

    def result(self):
        if self.pid is None:
            return self.func()
        fd, self.fd = self.fd, None
        try:
            with os.fdopen(fd, "rb") as pipe:
                data = pipe.read()
        finally:
            _, status = os.waitpid(self.pid, 0)
            self.pid = None
        if status == 0:
            try:
                return pickle.loads(data)
            except Exception:   # noqa: BLE001 - a truncated answer: computed here instead
                pass
        return self.func()   # the child failed: here, where an error reaches the build as usual

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
            os.waitpid(self.pid, 0)
            self.pid = None

    def __enter__(self) -> "Background":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_LATER: list[Background] = []


def later(func: Callable[[], None], fork: bool = True) -> None:
    """Run ``func`` (work nobody waits for, such as writing the build cache) in a
    forked child while this process goes on, where that is safe (see
    :class:`Background`; ``fork=False`` for small work); else here, at once.
    :func:`finish` waits for it.
    A child that was never waited for dies with this process: its cache file is
    then simply not written (each is written whole or not at all)."""
    job = Background(func, fork=fork)
    if not job.forked:
        func()
    else:
        _LATER.append(job)


def finish() -> None:
    """Wait for the work handed to :func:`later` (done here if a child failed).
    A command calls it before it returns, and a build before it reads the cache."""
    while _LATER:
        job = _LATER.pop(0)
        try:
            job.result()
        finally:
            job.close()


class Shared:
    """``func(0) … func(count - 1)`` shared between this process, which takes items
    from the front, and one forked child, which takes them from the back, a few
    at a time, until they meet: neither waits for the other however busy the
    machine is with other children (a fixed split left this process working
    alone for half a second at 10,000 cases). ``send`` turns the child's results
    into plain data for the pipe and ``take`` turns them back. Without a child
    (see :class:`Background`) every item is made here; if the child fails, the
    items it had taken are made here too. Use it in a ``with`` block."""

    def __init__(self, func: Callable[[int], object], count: int, fork: bool = True, step: int = 8,
                 send: Callable = lambda x: x, take: Callable = lambda x: x):
        import mmap
        import struct
        self.func, self.count, self.step, self.take = func, count, step, take
        self.cell = mmap.mmap(-1, 16)           # shared with the child: the front and the back
        self.pack, self.unpack = struct.Struct("qq").pack_into, struct.Struct("qq").unpack_from
        self.pack(self.cell, 0, 0, count)
        self.lock = multiprocessing.get_context("fork").Lock() if fork and _can_fork() else None
        self.job = None
        if self.lock is not None:
            self.job = Background(lambda: self._from_back(send), fork=True)
            if not self.job.forked:
                self.job = None

    def _claim(self, front: bool) -> tuple[int, int]:
        with self.lock if self.lock is not None else contextlib.nullcontext():
            first, last = self.unpack(self.cell, 0)
            if front:
                start, end = first, min(first + self.step, last)
                self.pack(self.cell, 0, end, last)
            else:
                start, end = max(last - self.step, first), last
                self.pack(self.cell, 0, first, start)
        return start, end

    def _from_back(self, send) -> tuple[int, list]:
        """In the child: (the first item made, the results from there to the end)."""
        parts = []
        while True:
            start, end = self._claim(front=False)
            if start >= end:
                break
            parts.append([send(self.func(i)) for i in range(start, end)])
        done = [r for part in reversed(parts) for r in part]
        return self.count - len(done), done

    def results(self) -> list:
        out = []
        while True:
            start, end = self._claim(front=True)
            if start >= end:
                break
            out.extend(self.func(i) for i in range(start, end))
        if self.job is not None:
            try:
                first, theirs = self.job.result()
            except Exception:   # noqa: BLE001 - the child failed: its items are made here
                first, theirs = self.count, []
            if first == len(out) and len(theirs) == self.count - first:
                out.extend(self.take(r) for r in theirs)
        out.extend(self.func(i) for i in range(len(out), self.count))   # whatever no one made
        return out

    def close(self) -> None:
        if self.job is not None:
            self.job.close()
            self.job = None

    def __enter__(self) -> "Shared":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
