"""The C allocator's settings for a stage's process: keep freed memory for the next table.

A stage at a million participants allocates and frees arrays of tens of megabytes hundreds of
times (a column, its mask, its codes, the next copy). With glibc's defaults, ``free`` hands the
top of the heap back to the operating system once more than 128 kB is free there, and serves an
allocation above its (growing) mmap threshold with a fresh ``mmap``: the next array of the same
size then page-faults every 4 kB page in again, which the kernel must zero first. On a virtual
machine that is dear: on the benchmark's 2-core machine, whose host takes back memory left
unused for a few seconds, writing a fresh 1 GiB array took 4-12 s, and writing it again 0.16 s.

:func:`keep_freed_memory` sets the knobs glibc documents for this (mallopt(3)):
``M_MMAP_THRESHOLD`` at its maximum of 32 MiB (arrays up to that size come from the heap),
``M_MMAP_MAX`` of 0 (larger ones too: a million rows of 22 answers are a 240 MB block, which
glibc would otherwise map afresh, and fault in page by page, every time), ``M_TRIM_THRESHOLD``
of 1 GiB (freed memory stays for reuse), ``M_TOP_PAD`` of 64 MiB (the heap grows in steps) and
``M_ARENA_MAX`` of 1: the threads that read two exports at once
(:func:`burnout.data.reading.read_sources`) allocate from the one heap, so what one thread
frees the next table reuses (with a heap per thread, the x10,000 clean stage's peak grew from
3.5 to 4.4 GB). Measured on that copy (clean -> adjusted in one process), system time fell from
31 to 15 s and the run from 135 s to 97-117 s (this machine's speed drifts by about 15% between
runs), and the peak stayed at 3.5-3.6 GB: memory is kept for reuse, not allocated twice; only
its release to the operating system before the process ends is delayed, and a stage's process
ends with its notebook. Serving the blocks above 32 MiB from the heap as well (``M_MMAP_MAX``)
took the same run, in two interleaved pairs, from 110.3 to 103.2 s and from 110.3 to 93.8 s
(system time 24 to 16 s), the peak from 3.35 to 3.43 GB: a freed block in the middle of the
heap is reused, not returned, so the heap can hold a little more. The stages' kernels call it
at start-up (:func:`burnout.pipeline.kernel.load_ipython_extension`), as does the one-process
benchmark that stands for them. It changes no result: where an array's memory comes from does
not change its contents.

Written here, not taken from a library: the setting is five calls of the C library's own
``mallopt``, made through :mod:`ctypes`; elsewhere than glibc (macOS, musl) nothing is set.
"""

from __future__ import annotations

import ctypes
import ctypes.util

__all__ = ["keep_freed_memory"]

# mallopt(3) parameter numbers (glibc's malloc.h) and the values set.
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD, _M_MMAP_MAX, _M_ARENA_MAX = -1, -2, -3, -4, -8
_SETTINGS = ((_M_MMAP_THRESHOLD, 32 * 1024 * 1024),  # glibc's largest allowed value
             (_M_MMAP_MAX, 0),  # no block mmapped, however large: all from the heap
             (_M_TRIM_THRESHOLD, 1024 * 1024 * 1024),
             (_M_TOP_PAD, 64 * 1024 * 1024),
             (_M_ARENA_MAX, 1))


def keep_freed_memory() -> bool:
    """Configure glibc's ``malloc`` to keep freed memory for reuse; whether it was set.

    Returns
    -------
    bool
        True when the C library is glibc and accepted every setting; False elsewhere (nothing
        is changed there).

    Examples
    --------
    >>> import platform
    >>> keep_freed_memory() == (platform.libc_ver()[0] == "glibc")
    True
    """
    name = ctypes.util.find_library("c")
    try:
        library = ctypes.CDLL(name)
        library.gnu_get_libc_version  # noqa: B018 -- present in glibc only
        mallopt = library.mallopt
    except (OSError, AttributeError, TypeError):  # not glibc: no mallopt of these numbers
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return all(mallopt(parameter, value) == 1 for parameter, value in _SETTINGS)
