"""The floor under `drift check`: bare httpx GETs, no drift code, same arrangement.

    python bench/floor.py URL RECORDS CONCURRENCY

Fetches the first RECORDS generated auth records from the emulator at URL with
CONCURRENCY worker threads over httpx.Client pools of drift.live.settings.POOL_SIZE connections
(the arrangement drift uses), reads each body as JSON, and prints one JSON line: the wall
time and CPU seconds from the first request to the last response. Set-up is left out, as
drift's own start-up line leaves it out. `bench/run.py` runs it next to each check, so
the table shows how much of drift's cost is httpx's own on this machine.
"""

from __future__ import annotations

import json
import math
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from drift.live.settings import POOL_SIZE

sys.modules.setdefault("sniffio", None)  # as drift.live.fetch does when sniffio is absent


def main() -> int:
    url, records, concurrency = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    paths = iter(
        f"/v1/integrations/intg_gen{i:05d}/auth/auth_gen{i:05d}" for i in range(1, records + 1)
    )
    lock = threading.Lock()
    pools = max(1, math.ceil(concurrency / POOL_SIZE))
    limits = httpx.Limits(max_connections=POOL_SIZE, max_keepalive_connections=POOL_SIZE)
    clients = [
        httpx.Client(base_url=url, headers={"X-API-Key": "bench-key"}, limits=limits)
        for _ in range(pools)
    ]
    failures: list[int] = []

    def worker(client: httpx.Client) -> None:
        while True:
            with lock:
                path = next(paths, None)
            if path is None:
                return
            response = client.get(path)
            response.json()
            if response.status_code != 200:
                failures.append(response.status_code)

    threads = [
        threading.Thread(target=worker, args=(clients[n % pools],)) for n in range(concurrency)
    ]
    cpu, wall = time.process_time(), time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    for client in clients:
        client.close()
    print(json.dumps({"wall": wall, "cpu": cpu, "failures": len(failures)}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
