"""What every benchmark of `chainrule bench` shares: optional contenders, interleaved timing, and
the check that contenders computed the same numbers."""
import gc
import math
import mmap
import statistics
import time


def _optional(name):
    try:
        return __import__(name)
    except ImportError:
        return None


def _interleaved(runs, repeats, settle=None):
    """Median seconds of each zero-argument callable in `runs`, timed in turns; `settle()`, if given,
    runs before each one, outside the clock."""
    times = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            # Collect outside the clock, so no contender pays for the cyclic garbage of another.
            gc.collect()
            if settle is not None:
                settle()
            t0 = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(ts) for name, ts in times.items()}


def _fresh_memory(nbytes):
    """Map `nbytes` of anonymous memory, touch every page and unmap it. After a contender frees a
    large heap (torch's million-node graph keeps 1.9 GB), the next one to map fresh memory paid the
    kernel's reclaiming: 0.9 s of system time against 0.15 for the same chain run again. Doing it
    here, outside the clock and before every contender, lets none of them pay for another's heap."""
    m = mmap.mmap(-1, nbytes)
    try:
        memoryview(m)[::mmap.PAGESIZE] = bytes(len(range(0, nbytes, mmap.PAGESIZE)))
    finally:
        m.close()


def _close(a, b, tol):
    return all(math.isclose(x, y, rel_tol=tol, abs_tol=tol) for x, y in zip(a, b, strict=True))
