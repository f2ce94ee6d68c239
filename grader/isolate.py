"""Run untrusted learner code in a child process that cannot take the caller down with it.

The child is forked from a forkserver that has already imported torch, so each run starts in
milliseconds. It gets a time limit (the parent kills it), an address-space cap (RLIMIT_AS), a cap on
what it may print (its output goes to a size-limited file, never to the caller's terminal), and its
answer travels over a pipe the parent reads. Whatever the learner's code does (loop, sleep,
``sys.exit``, ``os._exit``, segfault, print a flood, allocate without bound), the parent gets an
``Outcome``.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import multiprocessing
import multiprocessing.spawn
import os
import resource
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Outcome", "run_isolated", "send_stage", "threads", "warm_up", "DEFAULT_TIMEOUT", "DEFAULT_MEMORY_MB"]

DEFAULT_TIMEOUT = 20.0  # seconds
DEFAULT_MEMORY_MB = 2048  # added to the forkserver's own address space (every reference grades in 1 GB)
OUTPUT_CAP_BYTES = 1 << 20  # what the learner's print() calls may write; the rest is dropped
FILE_CAP_BYTES = 8 << 20  # backstop for output written below Python (C extensions), and for files
CPU_CAP_SECONDS = 1800  # backstop: nothing the grader runs needs 30 CPU minutes (its time limits come far sooner)
_PRELOAD = ["torch", "grader.probe", "grader.preload"]

_context: multiprocessing.context.ForkServerContext | None = None
_context_lock = threading.Lock()


@dataclass
class Outcome:
    """``status``: ok | timeout | exit | memory | crash. ``value`` is the child's answer when ok.

    ``stages`` holds what the child sent with ``send_stage`` before that, in order, whatever the status:
    a child that timed out in its third stage still delivers the first two."""

    status: str
    value: Any = None
    exit_code: int | None = None
    signal: int | None = None
    output: str = ""  # the tail of what the child printed
    seconds: float = 0.0
    stages: list[Any] = field(default_factory=list)
    peak_mb: float = 0.0  # the child's peak resident memory, when it answered


def _get_context() -> multiprocessing.context.ForkServerContext:
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(_PRELOAD)
            _context = context
        return _context


def threads() -> int:
    """The threads a child's torch should use: all cores on an idle machine, one on a busy one, where
    OpenMP's spinning threads make small tensor ops ten times slower (GoogLeNet's check: 12 s with two
    threads at load 5, 1.2 s with one)."""
    cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:
        return cores
    return cores if load < cores - 0.5 else 1


def warm_up() -> None:
    """Start the forkserver now, so its ``import torch`` overlaps with the caller's own imports."""
    from multiprocessing import forkserver

    _get_context()
    forkserver.ensure_running()


_start_lock = threading.Lock()


@contextlib.contextmanager
def _without_main() -> Iterator[None]:
    """Start our child without re-running the caller's ``__main__`` first.

    multiprocessing prepares each child by running the parent's main script again
    (``init_main_from_path``). Under ``streamlit run app.py`` that script is the app, so every grading
    child would start the app and die before reaching the learner's code. The grader's targets are
    importable functions and never need ``__main__``; other users of multiprocessing in the process keep
    the usual behaviour (the swap lasts only while our child starts).
    """
    with _start_lock:
        original = multiprocessing.spawn.get_preparation_data

        def preparation_data(name: str) -> dict[str, Any]:
            data = original(name)
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
            return data

        multiprocessing.spawn.get_preparation_data = preparation_data
        try:
            yield
        finally:
            multiprocessing.spawn.get_preparation_data = original


def _vm_size_bytes() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class _CappedWriter(io.TextIOBase):
    """A stdout that keeps the first ``cap`` bytes and silently drops the rest: a print flood costs
    nothing and never turns into an error the learner did not write."""

    def __init__(self, fd: int, cap: int) -> None:
        self.fd, self.left = fd, cap

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self.left > 0:
            data = text.encode("utf-8", "replace")[: self.left]
            self.left -= len(data)
            try:
                os.write(self.fd, data)
            except OSError:
                self.left = 0
        return len(text)


_connection: Any = None  # in the child: the pipe to the parent


def send_stage(value: Any) -> None:
    """In the isolated child: hand ``value`` to the parent now, and start the next stage's time budget.

    A target that works in stages (build and trace, then run) sends each stage's result as soon as it
    has it, so a stage that is slow, hangs or crashes costs only what comes after it."""
    if _connection is None:
        raise RuntimeError("send_stage is for the target of run_isolated, in its child process")
    _connection.send(("stage", value))


def _child(target: Callable[..., Any] | str, args: tuple[Any, ...], conn: Any, output_path: str, memory_mb: int) -> None:
    global _connection
    _connection = conn
    # Output: everything the learner prints goes to a capped file, never to the caller's terminal.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an over-long write fails instead of killing us
    fd = os.open(output_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)  # input() gets EOF instead of waiting forever
    os.close(null)
    sys.stdout = sys.stderr = _CappedWriter(1, OUTPUT_CAP_BYTES)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_CAP_BYTES, FILE_CAP_BYTES))
    # Backstops for a parent that dies without stopping us (a batch worker killed with -9): the child dies
    # with the forkserver (which exits with its parent), and its CPU time is bounded anyway.
    _die_with_parent()
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_CAP_SECONDS, CPU_CAP_SECONDS + 5))
    if memory_mb > 0:
        limit = _vm_size_bytes() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if isinstance(target, str):  # "module:function", imported here so the parent need not import it (torch)
        module, _, name = target.partition(":")
        target = getattr(importlib.import_module(module), name)
    try:
        answer = ("ok", target(*args))
    except MemoryError:
        answer = ("memory", None)
    except SystemExit as stop:  # sys.exit() in the learner's code
        answer = ("exit", stop.code if isinstance(stop.code, int) else 1)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        conn.send((*answer, peak_mb))
    except MemoryError:
        conn.send(("memory", None, peak_mb))
    conn.close()
    sys.stdout.flush()
    os._exit(0)  # skip atexit handlers the learner's code may have registered


def _die_with_parent() -> None:
    """prctl(PR_SET_PDEATHSIG, SIGKILL) on Linux; nothing elsewhere."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _tail(path: str, limit: int = 4000) -> str:
    try:
        with open(path, "rb") as file:
            file.seek(0, os.SEEK_END)
            size = file.tell()
            file.seek(max(0, size - limit))
            return file.read().decode("utf-8", "replace")
    except OSError:
        return ""


def run_isolated(
    target: Callable[..., Any] | str,
    *args: Any,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
) -> Outcome:
    """Call ``target(*args)`` (an importable function, or its name "module:function", with picklable
    arguments and result) in a child.

    The child has ``timeout`` seconds; each ``send_stage`` it makes starts a new budget of ``timeout``."""
    import time

    context = _get_context()
    receiver, sender = context.Pipe(duplex=False)
    with tempfile.TemporaryDirectory(prefix="cnn-dojo-") as scratch:
        output_path = os.path.join(scratch, "output.txt")
        process = context.Process(target=_child, args=(target, args, sender, output_path, memory_mb), daemon=True)
        with _without_main():
            process.start()  # returns once the forkserver (and its import torch) is up: not the learner's time
        start = time.monotonic()
        sender.close()
        answer = None
        stages: list[Any] = []
        deadline = start + timeout
        while answer is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                if receiver.poll(min(remaining, 0.5)):
                    message = receiver.recv()
                    if message[0] == "stage":
                        stages.append(message[1])
                        deadline = time.monotonic() + timeout
                        continue
                    answer = message
                    break
            except (EOFError, OSError):  # the child died without answering
                break
            except MemoryError:
                answer = ("memory", None, 0.0)
                break
            if not process.is_alive() and not receiver.poll(0):
                break
        timed_out = answer is None and time.monotonic() >= deadline
        if process.is_alive():
            process.join(1.0 if answer is not None else 0)
        killed = process.is_alive()
        if killed:
            process.kill()
        process.join(5)
        seconds = time.monotonic() - start
        receiver.close()
        output = _tail(output_path)
    code = process.exitcode
    if answer is not None:
        status, value, peak_mb = answer
        if status == "exit":
            return Outcome("exit", exit_code=value, output=output, seconds=seconds, stages=stages, peak_mb=peak_mb)
        return Outcome(status, value=value, exit_code=code, output=output, seconds=seconds, stages=stages,
                       peak_mb=peak_mb)
    if timed_out:
        return Outcome("timeout", output=output, seconds=seconds, stages=stages)
    memory_words = ("MemoryError", "bad_alloc", "can't allocate memory", "Cannot allocate memory")
    if any(word in output for word in memory_words):
        return Outcome("memory", exit_code=code, output=output, seconds=seconds, stages=stages)
    if code == -signal.SIGKILL and not killed:
        # a SIGKILL the grader did not send: the kernel's out-of-memory killer (a container's memory limit)
        return Outcome("memory", exit_code=code, output=output, seconds=seconds, stages=stages)
    if code is not None and code < 0:
        return Outcome("crash", signal=-code, output=output, seconds=seconds, stages=stages)
    return Outcome("exit", exit_code=code, output=output, seconds=seconds, stages=stages)
