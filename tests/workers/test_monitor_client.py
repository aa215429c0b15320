"""Unit tests of workers/python/monitor_client.py against a loopback HTTP server in this
process. Run by CTest (tests/CMakeLists.txt) or: python3 -m unittest discover -s tests/workers"""

import http.server
import json
import os
import socket
import sys
import threading
import time
import unittest
from unittest import mock

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "workers", "python"))
import monitor_client  # noqa: E402
from monitor_client import MonitorClient  # noqa: E402


class Sink:
    """A loopback HTTP server recording each request; `status` is its answer, and with
    `hang` set it reads the request and never answers (until the test ends)."""

    def __init__(self, status=202, hang=False):
        self.requests = []
        self.release = threading.Event()
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                sink.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                if hang:
                    sink.release.wait(10)
                    return
                answer = json.dumps({"inserted": 1, "dropped": 0}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        # A short poll interval: shutdown() waits for one.
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def events(self):
        return [json.loads(r["body"]) for r in self.requests]


def run_environment(endpoint, **extra):
    env = {
        "CHIEF_MONITOR_ENDPOINT": endpoint,
        "CHIEF_RUN_ID": "20260225T184000Z-backup-1",
        "CHIEF_JOB_NAME": "backup",
        "CHIEF_SCRIPT_PATH": "/opt/jobs/backup.py",
        "CHIEF_SCHEDULED_FOR": "2026-02-25T18:40:00+00:00",
    }
    env.update(extra)
    return env


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MonitorClientTest(unittest.TestCase):
    def setUp(self):
        self.sink = Sink()
        self.addCleanup(self.sink.close)

    def test_posts_a_worker_message_with_the_runs_correlation_fields(self):
        client = MonitorClient(environ=run_environment(self.sink.endpoint))
        self.assertTrue(client.info("extract started", source="api-x", rows=12, ratio=0.5, tags=["a", 1]))
        self.assertEqual(len(self.sink.requests), 1)
        request = self.sink.requests[0]
        self.assertEqual(request["path"], "/v1/events")
        self.assertEqual(request["headers"]["Content-Type"], "application/json")
        self.assertNotIn("x-api-key", {k.lower() for k in request["headers"]})
        event = json.loads(request["body"])
        self.assertEqual(event["sourceType"], "worker")
        self.assertEqual(event["eventType"], "worker.message")
        self.assertEqual(event["level"], "INFO")
        self.assertEqual(event["message"], "extract started")
        self.assertEqual(event["runId"], "20260225T184000Z-backup-1")
        self.assertEqual(event["jobName"], "backup")
        self.assertEqual(event["scriptPath"], "/opt/jobs/backup.py")
        self.assertEqual(event["scheduledFor"], "2026-02-25T18:40:00.000Z")
        self.assertEqual(event["host"], socket.gethostname())
        self.assertRegex(event["eventAt"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertEqual(event["metadata"], {"source": "api-x", "rows": 12, "ratio": 0.5, "tags": ["a", 1]})
        self.assertTrue(0 < len(event["eventId"]) <= 128)

    def test_every_level_and_a_fresh_event_id_each_time(self):
        client = MonitorClient(environ=run_environment(self.sink.endpoint))
        for method in (client.debug, client.info, client.warn, client.error, client.critical):
            self.assertTrue(method("m"))
        events = self.sink.events()
        self.assertEqual([e["level"] for e in events], ["DEBUG", "INFO", "WARN", "ERROR", "CRITICAL"])
        self.assertEqual(len({e["eventId"] for e in events}), 5)
        self.assertTrue(client.emit("warn", "lower case level"))
        self.assertFalse(client.emit("NOTICE", "no such level"))

    def test_api_key_and_an_endpoint_with_a_base_path(self):
        env = run_environment(self.sink.endpoint + "/monitor/", CHIEF_MONITOR_API_KEY="s3cret")
        self.assertTrue(MonitorClient(environ=env).warn("high latency", duration_ms=1800))
        request = self.sink.requests[0]
        self.assertEqual(request["path"], "/monitor/v1/events")
        self.assertEqual(request["headers"]["x-api-key"], "s3cret")

    def test_optional_fields_are_left_out_when_their_variables_are(self):
        env = {"CHIEF_MONITOR_ENDPOINT": self.sink.endpoint}
        self.assertTrue(MonitorClient(environ=env).info("by hand"))
        event = self.sink.events()[0]
        for field in ("runId", "jobName", "scriptPath", "scheduledFor", "metadata"):
            self.assertNotIn(field, event)
        # An unreadable CHIEF_SCHEDULED_FOR is left out rather than having the event refused.
        self.assertTrue(MonitorClient(environ=run_environment(self.sink.endpoint,
                                                              CHIEF_SCHEDULED_FOR="soon")).info("x"))
        self.assertNotIn("scheduledFor", self.sink.events()[1])

    def test_metadata_is_made_json(self):
        client = MonitorClient(environ=run_environment(self.sink.endpoint))
        self.assertTrue(client.info("odd values", nan=float("nan"), obj=object, nested={"k": {1, }}))
        metadata = self.sink.events()[0]["metadata"]
        self.assertEqual(metadata["nan"], "nan")
        self.assertEqual(metadata["obj"], str(object))
        self.assertEqual(metadata["nested"], {"k": [1]})

    def test_no_op_without_the_endpoint_variable(self):
        env = run_environment(self.sink.endpoint)
        del env["CHIEF_MONITOR_ENDPOINT"]
        self.assertFalse(MonitorClient(environ=env).info("nowhere to go"))
        self.assertFalse(MonitorClient(environ={"CHIEF_MONITOR_ENDPOINT": "  "}).info("x"))
        self.assertFalse(MonitorClient(environ={"CHIEF_MONITOR_ENDPOINT": "ftp://host"}).info("x"))
        self.assertEqual(self.sink.requests, [])

    def test_the_module_level_monitor_reads_the_process_environment(self):
        with mock.patch.dict(os.environ, run_environment(self.sink.endpoint), clear=False):
            self.assertTrue(monitor_client.monitor.error("load failed", table="fact_orders"))
        self.assertEqual(self.sink.events()[0]["metadata"], {"table": "fact_orders"})
        with mock.patch.dict(os.environ, {}, clear=True):
            self.assertFalse(monitor_client.monitor.info("no variables"))

    def test_refused_events_and_bounds_return_false(self):
        refusing = Sink(status=400)
        self.addCleanup(refusing.close)
        self.assertFalse(MonitorClient(environ=run_environment(refusing.endpoint)).info("refused"))
        self.assertEqual(len(refusing.requests), 1)
        client = MonitorClient(environ=run_environment(self.sink.endpoint))
        self.assertFalse(client.info(""))
        self.assertFalse(client.info("x" * (monitor_client.MAX_MESSAGE_BYTES + 1)))
        self.assertTrue(client.info("x" * monitor_client.MAX_MESSAGE_BYTES))
        self.assertFalse(client.info("big", blob="y" * monitor_client.MAX_METADATA_BYTES))
        self.assertEqual(len(self.sink.requests), 1)

    def test_a_server_that_never_answers_costs_at_most_the_timeout(self):
        hanging = Sink(hang=True)
        self.addCleanup(hanging.close)
        client = MonitorClient(timeout_ms=200, environ=run_environment(hanging.endpoint))
        started = time.monotonic()
        self.assertFalse(client.info("into the void"))
        elapsed = time.monotonic() - started
        self.assertGreaterEqual(elapsed, 0.19)
        self.assertLess(elapsed, 0.6)
        # The variable sets it too; the argument wins over it.
        env = run_environment(hanging.endpoint, CHIEF_MONITOR_TIMEOUT_MS="150")
        started = time.monotonic()
        self.assertFalse(MonitorClient(environ=env).info("x"))
        self.assertLess(time.monotonic() - started, 0.5)

    def test_default_timeout_and_bad_timeout_values(self):
        self.assertEqual(monitor_client._timeout_ms(None, {}), 400)
        self.assertEqual(monitor_client._timeout_ms(None, {"CHIEF_MONITOR_TIMEOUT_MS": "1000"}), 1000)
        self.assertEqual(monitor_client._timeout_ms(None, {"CHIEF_MONITOR_TIMEOUT_MS": "soon"}), 400)
        self.assertEqual(monitor_client._timeout_ms(None, {"CHIEF_MONITOR_TIMEOUT_MS": "-5"}), 400)
        self.assertEqual(monitor_client._timeout_ms(None, {"CHIEF_MONITOR_TIMEOUT_MS": "1e9"}), 60_000)
        self.assertEqual(monitor_client._timeout_ms(250, {"CHIEF_MONITOR_TIMEOUT_MS": "1000"}), 250)

    def test_a_monitor_that_is_down_returns_false_at_once(self):
        client = MonitorClient(environ=run_environment("http://127.0.0.1:%d" % closed_port()))
        started = time.monotonic()
        self.assertFalse(client.critical("monitor down"))
        self.assertLess(time.monotonic() - started, 0.5)


if __name__ == "__main__":
    unittest.main()
