"""cancel_held: a cancel (SIGINT's handler raising KeyboardInterrupt, as Ray's is)
that arrives inside the block is raised only once the block is done."""

import _thread
import signal
import time

import pytest

from mnist_core.cluster.cancel_hold import cancel_held


@pytest.fixture(autouse=True)
def sigint_raises():
    """SIGINT raising KeyboardInterrupt, as in a Ray worker: another test in this process (a
    Jupyter kernel's manager, say) may have left it ignored, and interrupt_main then does
    nothing."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


def test_an_interrupt_inside_the_block_is_raised_after_it_and_the_block_finishes():
    steps = []
    with pytest.raises(KeyboardInterrupt):
        with cancel_held():
            _thread.interrupt_main()
            time.sleep(0.05)  # the interrupt is delivered at the next bytecode, here
            steps.append("the import went on")
        steps.append("never reached")
    assert steps == ["the import went on"]


def test_no_interrupt_means_no_exception_and_the_old_handler_is_back():
    before = signal.getsignal(signal.SIGINT)
    with cancel_held():
        assert signal.getsignal(signal.SIGINT) is not before
    assert signal.getsignal(signal.SIGINT) is before


def test_an_interrupt_after_the_block_is_not_held():
    with cancel_held():
        pass
    with pytest.raises(KeyboardInterrupt):
        _thread.interrupt_main()
        time.sleep(0.05)
