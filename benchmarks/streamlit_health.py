"""Waiting for a `streamlit run` server to answer its health check (the benchmarks' servers
and the browser tests' share this)."""

import time
import urllib.error
import urllib.request


def wait_until_healthy(process, url: str, seconds: float) -> str | None:
    """None once `url` answers /_stcore/health; else why not (it exited, or never answered)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return f"streamlit exited with code {process.returncode}"
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return None
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    return f"streamlit not healthy after {seconds} s"
