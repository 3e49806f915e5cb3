"""Altair chart builders, data in and chart out: the data page's (`data_charts`) and a run's
curves and results (`run_charts`)."""
