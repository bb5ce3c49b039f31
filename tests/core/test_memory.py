"""keep_freed_memory: glibc's malloc then serves a 16 or 256 MiB block from its heap and keeps it.

Each case runs in a fresh interpreter: the allocator's settings belong to the process. The
allocator's own account (glibc's ``mallinfo2``: ``hblkhd`` is the memory in mmapped blocks,
``arena`` the heap) shows where a block came from and whether its memory stayed after
``free``. With glibc's defaults the block is mmapped and unmapped again at ``free``.
"""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from burnout.core.memory import keep_freed_memory

pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc only")

CHILD = """
import ctypes, sys
from burnout.core.memory import keep_freed_memory
FIELDS = ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
          "fordblks", "keepcost")
class Info(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in FIELDS]
libc = ctypes.CDLL(None)
libc.mallinfo2.restype = Info
libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
if sys.argv[1] == "set":
    assert keep_freed_memory()
size = int(sys.argv[2]) << 20
block = libc.malloc(size)
mapped = libc.mallinfo2().hblkhd >= size
libc.free(block)
print(mapped, libc.mallinfo2().arena >= size)
"""


def _where_a_block_goes(setting: str, mebibytes: int) -> str:
    return subprocess.run([sys.executable, "-c", CHILD, setting, str(mebibytes)], check=True,
                          capture_output=True, text=True).stdout.strip()


@pytest.mark.parametrize("mebibytes", [16, 256])
def test_glibc_defaults_map_a_large_block_and_unmap_it(mebibytes):
    assert _where_a_block_goes("defaults", mebibytes) == "True False"


@pytest.mark.parametrize("mebibytes", [16, 256])  # below and above the largest mmap threshold
def test_the_setting_serves_it_from_the_heap_and_keeps_it(mebibytes):
    assert _where_a_block_goes("set", mebibytes) == "False True"


def test_it_reports_that_the_settings_were_taken():
    assert keep_freed_memory() is True
