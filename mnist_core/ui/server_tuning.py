"""How a class server's interpreter is tuned for 30 sessions at once, measured with
benchmarks/classroom.py (30 sessions on 2 cores). Its malloc arenas are capped from the
environment instead (MALLOC_ARENA_MAX=2, README): glibc fixes their limit when a second
thread first allocates, long before a script runs."""

import gc

import streamlit as st


@st.cache_resource
def tuned_for_a_class() -> bool:
    """Once per class server: TensorFlow and Keras imported (the models that answer drawings
    need them anyway), then every object so far moved out of the garbage collector's sight.

    Python's full collections walk every tracked object, and TensorFlow and Keras bring about
    half a million: with a class waiting, each took 0.3-0.6 s holding the GIL, and the server
    spent 82 % of its time in them. Frozen, the same collections take about 0.05 s (10
    sessions: script runs' p95 15.6 s before, 0.9 s after).
    """
    import keras  # noqa: F401
    import tensorflow  # noqa: F401

    gc.collect()
    gc.freeze()
    return True

