"""Room on CPython's frame stack for a deep recursion that would otherwise thrash it.

CPython 3.11 keeps the frames of Python functions on a data stack made of 16 KiB chunks
and gives a chunk back to the system (munmap) as soon as the frame that opened it
returns. A recursion that goes up and down across the end of a chunk maps and unmaps one
each time. WeasyPrint's layout and drawing do that: 30,000 to 140,000 mmap and munmap
pairs for one country report, depending only on how deep the caller's stack already
was, so that the same rendering took 1.5 s from one caller and 2.0 s from another
(docs/benchmarks.md).

A frame too large for a chunk gets a chunk of its own, sized by doubling until it fits:
calling from a frame of just over 64 KiB leaves the callee the rest of a 128 KiB chunk,
which holds all of a rendering's recursion, so that the chunk stays mapped throughout.
"""

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# Eight bytes each: 8,300 local variables make a frame of about 65 KiB.
FRAME_LOCALS = 8300


def _roomy_caller() -> Callable:
    names = " = ".join(f"_{index}" for index in range(FRAME_LOCALS))
    source = f"def call(function):\n    {names} = None\n    return function()\n"
    namespace: dict = {}
    exec(compile(source, __name__, "exec"), namespace)  # noqa: S102 (our own source)
    return namespace["call"]


_call = _roomy_caller()


def with_stack_room(function: Callable[[], T]) -> T:
    """`function()`, called from a frame that leaves it 64 KiB of stack chunk."""
    return _call(function)
