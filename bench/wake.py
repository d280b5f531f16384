"""What waking up costs on this machine: the same small piece of Python work, timed back
to back and right after a sleep (no I/O, no other thread).

    python bench/wake.py            # prints one JSON line

The work is what a client does per response without the network: build an httpx.Request
and an httpx.Response and decode its JSON. At concurrency 1 the fetcher sleeps about the
API's latency before every response, so each request pays this wake-up cost;
`bench/run.py` prints it next to the table.
"""

from __future__ import annotations

import json
import statistics
import time

import httpx

URL = "http://127.0.0.1:9/v1/integrations/intg_gen00001/auth/auth_gen00001"
BODY = b'{"authId": "auth_gen00001", "authType": "API_KEY", "headers": {"X-Env": "prod"}}'


def work() -> None:
    request = httpx.Request("GET", URL, headers={"X-API-Key": "bench-key"})
    httpx.Response(200, content=BODY, request=request).json()


def timed_after(pause: float, rounds: int = 100) -> float:
    """Median CPU milliseconds of one work() right after sleeping `pause` seconds."""
    samples = []
    for _ in range(rounds):
        if pause:
            time.sleep(pause)
        start = time.process_time()
        work()
        samples.append(time.process_time() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    for _ in range(200):
        work()  # warm up: imports, caches
    print(json.dumps({"hot_ms": timed_after(0.0), "after_sleep_ms": timed_after(0.05)}))


if __name__ == "__main__":
    main()
