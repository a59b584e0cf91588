"""Rendering in a child process that is replaced every N renders.

WeasyPrint (with Pango and fontconfig underneath) keeps a little memory for
every document it renders, so a long-running worker that renders in its own
process grows for ever. Here a pool of one child renders, and is replaced after
``renders_per_child`` documents; the worker itself stays flat. Children are
forked from a server process that has already imported WeasyPrint (Python's
``forkserver``), so a new one starts in milliseconds.
"""

import logging
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from portal.pdf import Generated, render_pdf

log = logging.getLogger(__name__)

RENDER_TIMEOUT_SECONDS = 120

_lock = threading.Lock()
_pools: dict[int, ProcessPoolExecutor] = {}


class RenderFailed(RuntimeError):
    """The child process died or did not answer in time (a new one is started next)."""


def _pool(renders_per_child: int) -> ProcessPoolExecutor:
    with _lock:
        pool = _pools.get(renders_per_child)
        if pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["portal.pdf"])
            pool = ProcessPoolExecutor(
                max_workers=1, mp_context=context, max_tasks_per_child=renders_per_child
            )
            _pools[renders_per_child] = pool
        return pool


def _discard(renders_per_child: int) -> None:
    with _lock:
        pool = _pools.pop(renders_per_child, None)
    if pool is not None:
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()  # a child stuck in a render would otherwise stay
        pool.shutdown(wait=False, cancel_futures=True)


def render_pdf_isolated(
    html: str, static_folder: str | Path, generated: Generated | None, renders_per_child: int
) -> bytes:
    """``render_pdf`` in the child; ``renders_per_child`` 0 renders in this process."""
    if renders_per_child <= 0:
        return render_pdf(html, static_folder, generated)
    future = _pool(renders_per_child).submit(render_pdf, html, str(static_folder), generated)
    try:
        return future.result(timeout=RENDER_TIMEOUT_SECONDS)
    except (BrokenProcessPool, FutureTimeout) as error:
        log.error("The PDF renderer failed (%s); starting a new one", type(error).__name__)
        _discard(renders_per_child)
        raise RenderFailed(f"PDF renderer: {type(error).__name__}") from error


def shutdown() -> None:
    """Stop the children (tests and benchmarks; the interpreter does it at exit)."""
    for renders_per_child in list(_pools):
        _discard(renders_per_child)
