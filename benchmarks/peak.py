"""The float32 peak that a benchmark's floor is computed from: measured in the same run, at
the shapes the model uses and at 2048², and checked against what the hardware can do.

The hardware bound is cores × FLOP per cycle × clock. FLOP per cycle come from the vector
instructions the CPU reports (AVX-512: two 512-bit FMA units, 2 × 16 float32 × 2 = 64; AVX2
with FMA: two 256-bit units, 32), taken at their largest, so the bound is an upper one. The
clock is measured: a chain of dependent register-to-register adds runs at one add per cycle
on x86 cores, so adds per second is the clock the cores really ran at (turbo included,
which a virtual machine's /proc/cpuinfo does not show). Not adds of an immediate: newer
Intel cores fold those at renaming and ran such a chain at 2.3 adds per "cycle" here; a
chain of multiplies (3 cycles each) gave the same clock as the register adds. Without a C
compiler the reported clock is used, and said.
"""

import dataclasses
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ADDS = 2_000_000_000
CLOCK_SOURCE = r"""
#include <stdio.h>
#include <time.h>
int main(int argc, char **argv) {
    unsigned long x = 0, one = argc;  /* 1, but not a constant the compiler or core can fold */
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < ADDSL / 8; i++) {
        __asm__ volatile("add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\t"
                         "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0"
                         : "+r"(x) : "r"(one));
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    printf("%.6f\n", (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9);
    return x == 0;
}
""".replace("ADDS", str(ADDS))


@dataclasses.dataclass(frozen=True)
class Hardware:
    cores: int
    flop_per_cycle: int  # per core, float32
    ghz: float
    clock_source: str  # how the clock was found

    @property
    def gflops(self) -> float:
        return self.cores * self.flop_per_cycle * self.ghz

    def describe(self) -> str:
        return (f"{self.cores} cores × {self.flop_per_cycle} float32 FLOP per cycle × "
                f"{self.ghz:.2f} GHz ({self.clock_source}) = {self.gflops:.0f} GFLOP/s")


def _cpu_flags() -> set[str]:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def flop_per_cycle(flags: set[str]) -> int:
    if "avx512f" in flags:
        return 64
    if {"avx2", "fma"} <= flags:
        return 32
    return 16  # SSE: two 128-bit units, multiply and add apart


def measured_ghz() -> tuple[float, str]:
    """Dependent adds per second over the best of 3 runs, or the reported clock."""
    with tempfile.TemporaryDirectory() as folder:
        source, program = Path(folder) / "clock.c", Path(folder) / "clock"
        source.write_text(CLOCK_SOURCE)
        try:
            subprocess.run(["cc", "-O1", "-o", str(program), str(source)], check=True,
                           capture_output=True, timeout=60)
            best = min(float(subprocess.run([str(program)], capture_output=True, text=True,
                                            check=True, timeout=60).stdout)
                       for _ in range(3))
            return ADDS / best / 1e9, "measured: dependent adds per second"
        except (OSError, subprocess.SubprocessError, ValueError):
            pass
    mhz = [float(line.split(":")[1]) for line in Path("/proc/cpuinfo").read_text()
           .splitlines() if line.startswith("cpu MHz")]
    return max(mhz) / 1000, "reported by /proc/cpuinfo; turbo not known"


def hardware() -> Hardware:
    ghz, source = measured_ghz()
    return Hardware(len(os.sched_getaffinity(0)), flop_per_cycle(_cpu_flags()), ghz, source)


def matmul_gflops(m: int, k: int, n: int, repeats: int = 5, dtype: str = "float32") -> list[float]:
    """(m, k) @ (k, n) in TensorFlow, GFLOP/s per repeat; each repeat runs enough products
    to take 0.2 s or more, and waits for the last one's result."""
    import tensorflow as tf

    left, right = (tf.cast(tf.random.uniform(shape), dtype) for shape in ((m, k), (k, n)))
    tf.matmul(left, right).numpy()
    started = time.perf_counter()
    tf.matmul(left, right).numpy()
    calls = max(1, int(0.2 / max(time.perf_counter() - started, 1e-6)))
    rates = []
    for _ in range(repeats):
        started = time.perf_counter()
        for _ in range(calls):
            product = tf.matmul(left, right)
        product.numpy()
        rates.append(2 * m * k * n * calls / (time.perf_counter() - started) / 1e9)
    return rates


def spread(values: list[float], unit: str = "", digits: int = 1) -> str:
    return (f"min {min(values):.{digits}f} / median {statistics.median(values):.{digits}f} / "
            f"max {max(values):.{digits}f}{unit} over {len(values)}")


@dataclasses.dataclass(frozen=True)
class Peak:
    gflops: float  # the fastest float32 matmul measured here: what a floor is computed from
    hardware: Hardware


def measure(shapes: dict[str, tuple[int, int, int]]) -> Peak:
    """Time float32 matmuls at `shapes` (name -> m, k, n) and at 2048², print each with its
    spread and the hardware bound; exit non-zero when a rate beats the hardware."""
    bound = hardware()
    print(f"hardware bound: {bound.describe()}")
    best = 0.0
    for name, (m, k, n) in {**shapes, "2048²": (2048, 2048, 2048)}.items():
        rates = matmul_gflops(m, k, n)
        best = max(best, statistics.median(rates))
        print(f"  float32 matmul {name} ({m}×{k} @ {k}×{n}): {spread(rates, ' GFLOP/s', 0)}")
        fail_above_one(max(rates) / bound.gflops, f"the {name} matmul against the hardware")
    print(f"peak measured here: {best:.0f} GFLOP/s, {best / bound.gflops:.0%} of the bound")
    return Peak(best, bound)


def bfloat16_peak(m: int, k: int, n: int) -> float:
    """The faster median of bfloat16 matmuls at (m, k, n) and at 2048²: the ceiling of a
    bfloat16 rate (AVX-512 BF16 and AMX have their own, above float32's)."""
    best = 0.0
    for name, shape in {f"{m}×{k}×{n}": (m, k, n), "2048²": (2048, 2048, 2048)}.items():
        rates = matmul_gflops(*shape, dtype="bfloat16")
        best = max(best, statistics.median(rates))
        print(f"  bfloat16 matmul {name}: {spread(rates, ' GFLOP/s', 0)}")
    return best


def fail_above_one(fraction: float, what: str) -> None:
    """A figure above its own ceiling means the measuring is wrong: say so and stop."""
    if fraction > 1.0:
        print(f"MEASURING IS WRONG: {what} is {fraction:.2f} of its ceiling", file=sys.stderr)
        sys.exit(3)
