"""What every benchmark of `chainrule bench` shares: optional contenders, interleaved timing, and
the check that contenders computed the same numbers."""
import gc
import math
import statistics
import time


def _optional(name):
    try:
        return __import__(name)
    except ImportError:
        return None


def _interleaved(runs, repeats):
    """Median seconds of each zero-argument callable in `runs`, timed in turns."""
    times = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            # Collect outside the clock, so no contender pays for the cyclic garbage of another.
            gc.collect()
            t0 = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(ts) for name, ts in times.items()}


def _close(a, b, tol):
    return all(math.isclose(x, y, rel_tol=tol, abs_tol=tol) for x, y in zip(a, b, strict=True))
