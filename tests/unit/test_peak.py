"""benchmarks/peak.py, the ceiling every benchmark's floor comes from: its arithmetic, its
clock, and that a figure above its ceiling stops the benchmark."""

import pytest

from benchmarks import peak


@pytest.mark.parametrize("flags, expected", [
    ({"avx512f", "avx2", "fma"}, 64),  # two 512-bit FMA units: 2 × 16 float32 × 2
    ({"avx2", "fma"}, 32),  # two 256-bit FMA units: 2 × 8 × 2
    ({"sse2"}, 16),
])
def test_float32_flop_per_cycle_from_the_instructions(flags, expected):
    assert peak.flop_per_cycle(flags) == expected


def test_the_hardware_bound_is_cores_times_flop_per_cycle_times_the_clock():
    bound = peak.Hardware(cores=2, flop_per_cycle=64, ghz=2.5, clock_source="given")
    assert bound.gflops == 2 * 64 * 2.5
    assert bound.describe() == \
        "2 cores × 64 float32 FLOP per cycle × 2.50 GHz (given) = 320 GFLOP/s"


def test_the_measured_clock_is_a_plausible_one():
    ghz, source = peak.measured_ghz()
    assert 0.5 < ghz < 6.5, (ghz, source)  # every x86 server core runs in this range


def test_a_figure_above_its_ceiling_stops_the_benchmark(capsys):
    peak.fail_above_one(1.0, "exactly at the ceiling")  # allowed
    with pytest.raises(SystemExit) as stopped:
        peak.fail_above_one(1.07, "the sweep against its floor")
    assert stopped.value.code == 3
    assert "MEASURING IS WRONG: the sweep against its floor is 1.07" in capsys.readouterr().err


def test_a_spread_reads_min_median_max():
    assert peak.spread([3.0, 1.0, 2.0], " s") == "min 1.0 / median 2.0 / max 3.0 s over 3"
