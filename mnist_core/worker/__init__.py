"""The training worker process, started by jobs.WorkerPool."""
