#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Two timings wrk cannot take, with raw sockets (no client library in the way):

  httpprobe.py first-scrape PORT -- COMMAND...
      starts COMMAND, then every millisecond tries connect + GET /metrics; prints the time
      from the start to the first 200 in milliseconds, and leaves the process running (its
      pid on the second line).
  httpprobe.py until PORT REGEX [TIMEOUT_S]
      GET /metrics every millisecond until the body matches REGEX; prints the milliseconds it
      took (run right after changing the system).
  httpprobe.py load PORT N [gzip]
      N GETs of /metrics on one keep-alive connection (to count a server's instructions per
      request under callgrind); fails on any status but 200.
"""
import re
import socket
import subprocess
import sys
import time


def get(port, path="/metrics"):
    """One GET; returns (status, body). Reads Content-Length bytes: Qt 6.4's QHttpServer keeps
    the connection open despite "Connection: close"."""
    with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
        s.sendall(b"GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" % path.encode())
        raw = b""
        while b"\r\n\r\n" not in raw:
            data = s.recv(65536)
            if not data:
                return 0, b""
            raw += data
        head, _, body = raw.partition(b"\r\n\r\n")
        match = re.search(rb"(?im)^content-length: *(\d+)", head)
        length = int(match.group(1)) if match else None
        while length is None or len(body) < length:
            data = s.recv(65536)
            if not data:
                break
            body += data
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    return status, body


def first_scrape(port, command):
    start = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while time.monotonic() - start < 10:
        try:
            status, _ = get(port)
            if status == 200:
                print("%.1f" % ((time.monotonic() - start) * 1000))
                print(proc.pid)
                return 0
        except OSError:
            pass
        if proc.poll() is not None:
            print("process exited with %d" % proc.returncode, file=sys.stderr)
            return 1
        time.sleep(0.001)
    print("no 200 within 10 s", file=sys.stderr)
    proc.kill()
    return 1


def until(port, pattern, timeout):
    regex = re.compile(pattern.encode(), re.M)
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            status, body = get(port)
            if status == 200 and regex.search(body):
                print("%.1f" % ((time.monotonic() - start) * 1000))
                return 0
        except OSError:
            pass
        time.sleep(0.001)
    print("no match within %s s" % timeout, file=sys.stderr)
    return 1


def load(port, count, gzip):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Accept-Encoding": "gzip"} if gzip else {}
    for _ in range(count):
        conn.request("GET", "/metrics", headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            print("status %d" % response.status, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) in (4, 5) and sys.argv[1] == "load":
        sys.exit(load(int(sys.argv[2]), int(sys.argv[3]), len(sys.argv) == 5 and sys.argv[4] == "gzip"))
    if len(sys.argv) >= 5 and sys.argv[1] == "first-scrape" and sys.argv[3] == "--":
        sys.exit(first_scrape(int(sys.argv[2]), sys.argv[4:]))
    if len(sys.argv) in (4, 5) and sys.argv[1] == "until":
        sys.exit(until(int(sys.argv[2]), sys.argv[3], float(sys.argv[4]) if len(sys.argv) == 5 else 10))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
