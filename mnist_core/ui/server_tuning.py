"""How a class server's interpreter is tuned for 30 sessions at once: measured with
benchmarks/classroom.py (30 sessions on 2 cores), each step once per server process."""

import ctypes
import gc

import streamlit as st

M_ARENA_MAX = -8  # glibc's mallopt() parameter number
ARENAS = 2


@st.cache_resource
def tuned_for_a_class() -> bool:
    """Long-lived objects frozen, malloc arenas capped; once per class server."""
    _freeze_long_lived_objects()
    _cap_malloc_arenas(ARENAS)
    return True


def _freeze_long_lived_objects() -> None:
    """TensorFlow and Keras (the models that answer drawings need them anyway) imported, then
    every object so far moved out of the garbage collector's sight.

    Python's full collections walk every tracked object, and TensorFlow and Keras bring about
    half a million: with a class waiting, each took 0.3-0.6 s holding the GIL, and the server
    spent 82 % of its time in them. Frozen, the same collections take about 0.05 s (10
    sessions: script runs' p95 15.6 s before, 0.9 s after).
    """
    import keras  # noqa: F401
    import tensorflow  # noqa: F401

    gc.collect()
    gc.freeze()


def _cap_malloc_arenas(arenas: int) -> None:
    """glibc gives each thread that allocates at the same time as another an arena of its
    own (up to 8 per core) and keeps what is freed in it: with every session's script thread
    drawing results at once, the server grew by 11 MB per session; with 2 arenas, 2.5 MB
    (MALLOC_ARENA_MAX=2, the same setting made from the environment). Elsewhere than glibc
    there is nothing to cap."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(M_ARENA_MAX, arenas)
