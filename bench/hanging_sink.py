#!/usr/bin/env python3
"""A monitor that accepts connections and never answers: for bench/dispatch_latency.sh with
CHIEF_BENCH_MONITOR (telemetry on, every request ends by chiefd's timeout_ms).
Usage: bench/hanging_sink.py PORT   (prints "ready" once listening)"""
import socket, sys, threading

server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen(128)
print("ready", flush=True)
held = []
while True:
    conn, _ = server.accept()
    held.append(conn)  # read nothing back, answer nothing, close nothing
