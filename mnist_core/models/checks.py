"""Argument checks that raise ValueError with a message a page can show as is."""

import math


def check_number(name, value, low, inclusive=True):
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if value < low or (value == low and not inclusive):
        bound = f"at least {low}" if inclusive else f"greater than {low}"
        raise ValueError(f"{name} must be {bound}, got {value}")


def check_int(name, value, low, high):
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high:,}, got {value!r}")


def check_rate(name, value):
    """A dropout-like fraction in [0, 1)."""
    check_number(name, value, low=0.0)
    if value >= 1:
        raise ValueError(f"{name} must be below 1 (1 drops every unit), got {value}")
