"""A process id that no process has, for rows whose worker died."""

DEAD_PID = 2**22 + 1  # above the largest pid_max Linux allows
