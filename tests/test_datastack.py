import platform
import resource
import sys

import pytest

from r2p_site.datastack import with_stack_room


def descend(depth: int) -> None:
    if depth:
        descend(depth - 1)


def page_faults_of_oscillating(times: int = 2000, depth: int = 400) -> int:
    """Minor page faults while a recursion 400 frames deep (wider than a 16 KiB chunk of
    CPython's data stack) goes down and up `times` times: each chunk mapped afresh is
    touched anew."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(times):
        descend(depth)
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def test_the_function_is_called_once_and_its_result_returned():
    calls = []
    assert with_stack_room(lambda: calls.append(1) or "result") == "result"
    assert calls == [1]


def test_an_exception_comes_through_unchanged():
    error = ValueError("raised inside")
    with pytest.raises(ValueError) as raised:
        with_stack_room(lambda: (_ for _ in ()).throw(error))
    assert raised.value is error


@pytest.mark.skipif(
    platform.python_implementation() != "CPython" or sys.platform != "linux",
    reason="CPython's data stack chunks, counted by Linux's page faults",
)
def test_a_deep_recursion_keeps_its_stack_chunk_mapped():
    without_room = page_faults_of_oscillating()
    with_room = with_stack_room(page_faults_of_oscillating)
    # Without room each descent maps a chunk and touches its pages: thousands of faults
    # (if a later CPython keeps its chunks, there is nothing to compare: say so).
    if without_room < 1000:
        pytest.skip(f"this interpreter keeps its stack chunks ({without_room} faults)")
    assert with_room < 100, (without_room, with_room)
