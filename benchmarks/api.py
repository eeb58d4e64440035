"""API latency and throughput under load from a second process, over loopback.

    python benchmarks/api.py [--rate 200] [--seconds 10] [--concurrency 16]

Starts `rolediff serve` in its own process, then from this process (the second) drives, in one
run and in this order:

1. an open-loop load at ``--rate`` requests/s for ``--seconds`` against ``/healthz`` (the
   baseline: the web stack with no rolediff work), ``/api/v1/pay`` and ``/api/v1/compare``.
   Requests go out on schedule whether or not earlier ones have answered (over a pool of
   keep-alive connections), and latency counts from the scheduled send time, so a stalled server
   shows up as latency (no coordinated omission).
2. a closed loop of ``--concurrency`` clients for ``--seconds``: the most requests/s each route
   sustains here.

Prints p50/p90/p99/max latency, achieved rate and errors per route; the target is p99 < 50 ms at
200 requests/s for /api/v1/pay. The run is bounded: at most rate x seconds requests per route in
the open loop, and ``--seconds`` per route in the closed loop.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass

ROUTES = {
    "baseline /healthz": "/healthz",
    "/api/v1/pay": "/api/v1/pay?salary=150000&city=Raleigh%2C%20NC",
    "/api/v1/compare": "/api/v1/compare?a=devops&b=sre",
}


@dataclass
class Result:
    latencies: list[float]
    errors: int
    elapsed: float

    def line(self, name: str) -> str:
        lat = sorted(self.latencies)
        if not lat:
            return f"{name:<20} no answers, {self.errors} errors"

        def pct(p: float) -> float:
            return 1000 * lat[min(len(lat) - 1, int(p * len(lat)))]

        rate = len(lat) / self.elapsed
        return (
            f"{name:<20} n={len(lat):>6}  {rate:>7.1f} req/s  p50 {pct(0.50):6.2f} ms  "
            f"p90 {pct(0.90):6.2f} ms  p99 {pct(0.99):6.2f} ms  max {1000 * lat[-1]:7.2f} ms  "
            f"errors {self.errors}"
        )


class Connection:
    """One keep-alive HTTP/1.1 connection: a minimal client, so the load generator costs far
    less CPU than the server it measures (both share this machine's cores)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def get(self, path: str) -> int:
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        self.writer.close()


async def open_loop(port: int, path: str, rate: float, seconds: float, pool: int) -> Result:
    """``rate`` requests per second on a fixed schedule over ``pool`` keep-alive connections;
    latency counts from the scheduled time, so waiting for a free connection counts too."""
    total = int(rate * seconds)
    latencies: list[float] = []
    errors = 0
    idle: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(pool):
        idle.put_nowait(await Connection.open(port))
    start = time.perf_counter()

    async def one(due: float) -> None:
        nonlocal errors
        connection = await idle.get()
        try:
            ok = await connection.get(path) == 200
        except (OSError, asyncio.IncompleteReadError, ValueError):
            ok = False
            connection = await Connection.open(port)
        idle.put_nowait(connection)
        if ok:
            latencies.append(time.perf_counter() - due)
        else:
            errors += 1

    tasks = []
    for k in range(total):
        due = start + k / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(due)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    while not idle.empty():
        idle.get_nowait().close()
    return Result(latencies, errors, elapsed)


async def closed_loop(port: int, path: str, clients: int, seconds: float) -> Result:
    """``clients`` connections, each sending its next request when the last one answers."""
    latencies: list[float] = []
    errors = 0
    start = time.perf_counter()
    stop = start + seconds

    async def worker() -> None:
        nonlocal errors
        connection = await Connection.open(port)
        while time.perf_counter() < stop:
            sent = time.perf_counter()
            try:
                ok = await connection.get(path) == 200
            except (OSError, asyncio.IncompleteReadError, ValueError):
                ok = False
                connection = await Connection.open(port)
            if ok:
                latencies.append(time.perf_counter() - sent)
            else:
                errors += 1
        connection.close()

    await asyncio.gather(*(worker() for _ in range(clients)))
    return Result(latencies, errors, time.perf_counter() - start)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "rolediff", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise SystemExit("rolediff serve did not start") from None
            time.sleep(0.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=200.0, help="open-loop requests/s")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration per route")
    parser.add_argument("--concurrency", type=int, default=16, help="closed-loop clients")
    parser.add_argument("--pool", type=int, default=32, help="open-loop connections")
    args = parser.parse_args()
    for name in ("rate", "seconds", "concurrency", "pool"):
        if getattr(args, name) <= 0:
            parser.exit(2, f"{parser.prog}: error: --{name} must be positive\n")

    port = free_port()
    server = start_server(port)
    base = f"http://127.0.0.1:{port}"
    try:
        for path in ROUTES.values():  # warm every route once
            urllib.request.urlopen(base + path, timeout=30).read()
        print(f"rolediff serve (uvicorn, 1 process) on {base}; load from a second process")
        print(f"cores: {os.cpu_count()}; load average before: {os.getloadavg()[0]:.2f}")
        print(f"\nopen loop: {args.rate:.0f} requests/s for {args.seconds:.0f} s per route")
        results = {}
        for name, path in ROUTES.items():
            results[name] = asyncio.run(open_loop(port, path, args.rate, args.seconds, args.pool))
            print(results[name].line(name))
        print(f"\nclosed loop: {args.concurrency} clients for {args.seconds:.0f} s per route")
        for name, path in ROUTES.items():
            print(asyncio.run(closed_loop(port, path, args.concurrency, args.seconds)).line(name))
        pay = sorted(results["/api/v1/pay"].latencies)
        p99 = 1000 * pay[min(len(pay) - 1, int(0.99 * len(pay)))] if pay else float("inf")
        base_lat = sorted(results["baseline /healthz"].latencies)
        base_p50 = 1000 * statistics.median(base_lat) if base_lat else float("nan")
        pay_p50 = 1000 * statistics.median(pay) if pay else float("nan")
        verdict = "meets" if p99 < 50 and not results["/api/v1/pay"].errors else "MISSES"
        print(
            f"\n/api/v1/pay p99 {p99:.2f} ms at {args.rate:.0f} req/s: {verdict} the 50 ms target; "
            f"its p50 is {pay_p50 - base_p50:+.2f} ms over the /healthz baseline"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
