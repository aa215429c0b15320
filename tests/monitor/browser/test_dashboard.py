#!/usr/bin/env python3
"""The dashboard in a real browser: Debian's chromium, headless, driven by chromium-driver and
python3-selenium. The real chief-monitord runs on an ephemeral port (readiness: READY=1 on a
private NOTIFY_SOCKET) with events a fleet's chiefd would send; each page must load with no
console errors and show what the API holds; closing an alert works; a new event appears without
a reload; the API key is asked for once. A screenshot of each page is kept in --artifacts.

Usage: test_dashboard.py --monitord PATH --artifacts DIR
Exit status: 0 passed, 1 failed, 77 skipped (chromium, chromium-driver or selenium missing; under
CHIEF_TESTS_NO_SKIP=1 that is a failure instead).
"""
import argparse
import datetime
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

SKIP = 77


def skip_or_fail(why):
    if os.environ.get("CHIEF_TESTS_NO_SKIP"):
        print(f"FAIL: {why} (CHIEF_TESTS_NO_SKIP is set: nothing may be skipped)")
        sys.exit(1)
    print(f"SKIP: {why}")
    sys.exit(SKIP)


try:
    from selenium import webdriver
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:
    skip_or_fail("python3-selenium is not installed")


def iso(dt):
    return dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


class Monitor:
    """chief-monitord on an ephemeral port in a temp dir; stopped by its PID."""

    def __init__(self, binary, workdir, env=None):
        self.dir = tempfile.mkdtemp(prefix="monitor-browser-", dir=workdir)
        notify_path = os.path.join(self.dir, "notify")
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.notify.bind(notify_path)
        environment = {k: v for k, v in os.environ.items()
                       if not k.startswith(("NOTIFY_SOCKET", "JOURNAL_STREAM", "MONITOR_", "WATCHDOG_"))}
        environment.update({"NOTIFY_SOCKET": notify_path, "MONITOR_HOST": "127.0.0.1", "MONITOR_PORT": "0",
                            "MONITOR_DB_PATH": os.path.join(self.dir, "monitor.sqlite")})
        environment.update(env or {})
        self.log = open(os.path.join(self.dir, "monitor.log"), "w")
        self.process = subprocess.Popen([binary, "--log-target", "console"], env=environment,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        self.notify.settimeout(20)
        message = ""
        while "READY=1" not in message:
            message = self.notify.recv(4096).decode()
        self.port = int(re.search(r"Listening on http://127\.0\.0\.1:(\d+)", message).group(1))
        self.base = f"http://127.0.0.1:{self.port}"
        self.key = (env or {}).get("MONITOR_API_KEY")

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.key:
            request.add_header("x-api-key", self.key)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def send(self, events):
        result = self.call("POST", "/v1/events/batch", events)
        assert result["inserted"] == len(events), result

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        self.notify.close()


def chiefd_events(host, now):
    """What a chiefd on `host` sends: heartbeats, next runs, runs that pass and fail, worker lines."""
    sequence = [0]

    def event(event_type, job=None, level="INFO", message=None, at=None, **fields):
        sequence[0] += 1
        out = {"sourceType": fields.pop("sourceType", "chief"), "eventType": event_type, "level": level,
               "message": message or f"{event_type} {job or ''}".strip(), "host": host,
               "eventId": f"{host}-{sequence[0]}", "eventAt": iso(at or now)}
        if job:
            out["jobName"] = job
        out.update(fields)
        return out

    events = [event("chief.heartbeat", metadata={"ping_interval_seconds": 15})]
    for index, (job, zone) in enumerate([("nightly-backup", "Europe/Berlin"), ("etl-orders", "America/New_York"),
                                         ("cert-renewal", "Asia/Tokyo")]):
        for run in range(8):
            start = now - datetime.timedelta(hours=8 - run, minutes=index)
            ok = not (job == "etl-orders" and run >= 6)
            run_id = f"{job}-{run}"
            events.append(event("job.started", job, runId=run_id, at=start, scheduledFor=iso(start)))
            events.append(event("worker.message", job, message=f"processed {run * 100} rows", at=start,
                                sourceType="worker", runId=run_id, metadata={"rows": run * 100}))
            end = start + datetime.timedelta(seconds=30 + run * 7 + index * 11)
            events.append(event("job.completed" if ok else "job.failed", job, level="INFO" if ok else "ERROR",
                                runId=run_id, success=ok, returnCode=0 if ok else 2,
                                durationMs=int((end - start).total_seconds() * 1000), at=end))
        events.append(event("job.next_scheduled", job,
                            metadata={"next_run_at": iso(now + datetime.timedelta(hours=1 + index)),
                                      "timezone": zone, "grace_seconds": 300}))
    return events


class Browser:
    def __init__(self, artifacts, profile):
        chromium = shutil.which("chromium")
        driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
        if not chromium or not os.path.exists(driver):
            skip_or_fail("chromium or chromium-driver is not installed")
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1400,1000", f"--user-data-dir={profile}"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(driver), options=options)
        self.artifacts = artifacts
        self.wait = WebDriverWait(self.driver, 15)

    def errors(self):
        """Console entries at SEVERE level since the last call (JS errors, failed loads, CSP)."""
        return [entry for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]

    def shot(self, name):
        path = os.path.join(self.artifacts, f"{name}.png")
        self.driver.save_screenshot(path)
        return path

    def css(self, selector):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def until(self, condition, message):
        try:
            return self.wait.until(condition, message)
        except TimeoutException:
            self.shot("failure-" + re.sub(r"\W+", "-", message)[:40])
            raise

    def text_of(self, selector):
        return self.until(EC.presence_of_element_located((By.CSS_SELECTOR, selector)), selector).text

    def quit(self):
        self.driver.quit()


CHECKS = []


def check(name):
    def register(function):
        CHECKS.append((name, function))
        return function
    return register


def page_loaded(browser, view):
    browser.until(lambda d: d.find_element(By.ID, "view").get_attribute("data-view") == view, f"view {view}")
    browser.until(lambda d: "Updated" in d.find_element(By.ID, "poll-status").text, f"{view} data loaded")


@check("overview")
def overview(browser, monitor):
    browser.driver.get(monitor.base + "/#/")
    page_loaded(browser, "overview")
    summary = monitor.call("GET", "/v1/status/summary")
    up = next((c["count"] for c in summary["checks"] if c["status"] == "UP"), 0)
    assert browser.text_of("#checks-up .value") == str(up), browser.text_of("#checks-up .value")
    opened = sum(a["count"] for a in summary["activeAlerts"])
    assert browser.text_of("#open-alerts .value") == str(opened)
    assert browser.text_of("#total-events .value") == str(summary["totalEvents"])
    assert browser.text_of("#hosts-online .value") == "1 / 1"
    assert "db1" in browser.text_of("tr[data-host='db1']")
    assert "online" in browser.text_of("tr[data-host='db1']")
    browser.shot("overview")


@check("jobs")
def jobs(browser, monitor):
    browser.driver.get(monitor.base + "/#/jobs")
    page_loaded(browser, "jobs")
    rows = browser.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#jobs tbody tr") or None, "job rows")
    api_jobs = monitor.call("GET", "/v1/status/jobs")["jobs"]
    assert len(rows) == len(api_jobs), (len(rows), len(api_jobs))
    etl = browser.css("tr[data-job='etl-orders']")[0]
    assert "UP" in etl.text and "failure" in etl.text, etl.text
    assert "America/New_York" in etl.text, etl.text
    # Each run is a bar of the sparkline, red for failures.
    assert len(etl.find_elements(By.CSS_SELECTOR, "svg.sparkline rect")) == 8
    assert len(etl.find_elements(By.CSS_SELECTOR, "svg.sparkline rect.fail")) == 2
    backup = browser.css("tr[data-job='nightly-backup']")[0]
    assert "Europe/Berlin" in backup.text and "in " in backup.text, backup.text
    # The status filter.
    select = browser.driver.find_element(By.ID, "job-status")
    select.find_element(By.CSS_SELECTOR, "option[value='DOWN']").click()
    browser.until(lambda d: "No job matches." in d.find_element(By.ID, "jobs").text, "status filter")
    select.find_element(By.CSS_SELECTOR, "option[value='']").click()
    browser.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#jobs tbody tr")) == len(api_jobs), "filter cleared")
    browser.shot("jobs")


@check("job detail")
def job_detail(browser, monitor):
    browser.driver.get(monitor.base + "/#/jobs/etl-orders?host=db1")
    page_loaded(browser, "job")
    chart = browser.until(EC.presence_of_element_located((By.ID, "run-chart")), "run chart")
    assert len(chart.find_elements(By.CSS_SELECTOR, "rect.ok")) == 6
    assert len(chart.find_elements(By.CSS_SELECTOR, "rect.fail")) == 2
    text = browser.driver.find_element(By.ID, "job").text
    assert "Consecutive failures\n2" in text, text
    assert "Job etl-orders on db1 failed" in text, "the open FAILURE alert is listed"
    detail = monitor.call("GET", "/v1/status/jobs/etl-orders?host=db1")
    event_rows = browser.css("#job tr[data-event-id]")
    assert len(event_rows) == len(detail["events"]), (len(event_rows), len(detail["events"]))
    browser.shot("job-detail")


@check("alerts: filter and close with a reason")
def alerts(browser, monitor):
    browser.driver.get(monitor.base + "/#/alerts")
    page_loaded(browser, "alerts")
    browser.driver.find_element(By.CSS_SELECTOR, "#alert-status option[value='OPEN']").click()
    browser.until(lambda d: d.find_elements(By.CSS_SELECTOR, "button.close-alert"), "open alerts listed")
    open_alerts = monitor.call("GET", "/v1/alerts?status=OPEN")["alerts"]
    failure = next(a for a in open_alerts if a["alertType"] == "FAILURE")
    browser.shot("alerts")
    browser.driver.find_element(By.CSS_SELECTOR, f"button.close-alert[data-alert-id='{failure['id']}']").click()
    reason = browser.until(EC.presence_of_element_located((By.CSS_SELECTOR, "input.close-reason")), "reason input")
    reason.send_keys("fixed the credentials")
    browser.driver.find_element(By.CSS_SELECTOR, "button.confirm-close").click()
    browser.until(lambda d: not d.find_elements(By.CSS_SELECTOR, f"tr[data-alert-id='{failure['id']}']"),
                  "closed alert leaves the OPEN list")
    closed = monitor.call("GET", "/v1/alerts?status=CLOSED")["alerts"]
    mine = next(a for a in closed if a["id"] == failure["id"])
    assert mine["closeReason"] == "fixed the credentials", mine
    browser.driver.find_element(By.CSS_SELECTOR, "#alert-status option[value='CLOSED']").click()
    browser.until(lambda d: "fixed the credentials" in d.find_element(By.ID, "alerts").text, "closed list shows the reason")
    browser.shot("alerts-closed")


@check("events: filters and paging")
def events(browser, monitor):
    browser.driver.get(monitor.base + "/#/events")
    page_loaded(browser, "events")
    rows = browser.css("#events tbody tr")
    assert len(rows) == 50, len(rows)
    browser.driver.find_element(By.CSS_SELECTOR, "button.next-page").click()
    browser.until(lambda d: d.find_element(By.CSS_SELECTOR, ".page-info").text.startswith("51"), "second page")
    job = browser.driver.find_element(By.ID, "event-jobName")
    job.send_keys("cert-renewal\n")
    browser.until(lambda d: d.find_element(By.CSS_SELECTOR, ".page-info").text.startswith("1"), "filter resets paging")
    expected = monitor.call("GET", "/v1/events?jobName=cert-renewal&limit=50")["events"]
    # The rows' texts in one script: the table may be redrawn between finding a row and reading
    # it (a stale element), and the old page's rows may still be there for a moment.
    rows_text = "return [...document.querySelectorAll('#events tbody tr')].map(row => row.textContent)"
    def filtered(texts):
        return len(texts) == len(expected) and all("cert-renewal" in text for text in texts)

    browser.until(lambda d: filtered(d.execute_script(rows_text)), "filtered rows, each cert-renewal's")
    browser.driver.find_element(By.CSS_SELECTOR, "#event-level option[value='ERROR']").click()
    browser.until(lambda d: "No events." in d.find_element(By.ID, "events").text, "no ERROR events for cert-renewal")
    browser.shot("events")


@check("live update without a reload")
def live_update(browser, monitor):
    browser.driver.get(monitor.base + "/#/jobs")
    page_loaded(browser, "jobs")
    marker = browser.driver.execute_script("window.noReload = 'still here'; return window.noReload;")
    now = datetime.datetime.now(datetime.timezone.utc)
    monitor.send([{"sourceType": "chief", "eventType": "job.next_scheduled", "level": "INFO",
                   "message": "next run", "jobName": "late-arrival", "host": "db1", "eventId": "db1-live-1",
                   "metadata": {"next_run_at": iso(now + datetime.timedelta(minutes=30)), "timezone": "UTC"}}])
    browser.until(lambda d: d.find_elements(By.CSS_SELECTOR, "tr[data-job='late-arrival']"), "new job appears by polling")
    assert browser.driver.execute_script("return window.noReload;") == marker
    browser.shot("jobs-live-update")


def run_checks(browser, monitor):
    failures = []
    for name, function in CHECKS:
        try:
            function(browser, monitor)
            errors = browser.errors()
            assert not errors, f"console errors: {errors}"
            print(f"ok   {name}")
        except Exception:  # report every failing page, not just the first
            failures.append(name)
            print(f"FAIL {name}\n{traceback.format_exc()}")
    return failures


def api_key_flow(binary, workdir, artifacts):
    """With an API key set, the dashboard asks once, then remembers it."""
    monitor = Monitor(binary, workdir, {"MONITOR_API_KEY": "browser-test-key"})
    profile = tempfile.mkdtemp(prefix="chromium-", dir=workdir)
    browser = Browser(artifacts, profile)
    try:
        monitor.send(chiefd_events("db9", datetime.datetime.now(datetime.timezone.utc))[:5])
        browser.driver.get(monitor.base + "/#/")
        dialog_input = browser.until(EC.visibility_of_element_located((By.ID, "key-input")), "key dialog")
        browser.shot("api-key-dialog")
        dialog_input.send_keys("wrong-key\n")
        browser.until(lambda d: "not accepted" in d.find_element(By.ID, "key-error").text, "wrong key refused")
        field = browser.driver.find_element(By.ID, "key-input")
        field.clear()
        field.send_keys("browser-test-key\n")
        page_loaded(browser, "overview")
        assert browser.text_of("#total-events .value") == "5"
        browser.driver.refresh()
        page_loaded(browser, "overview")
        assert not browser.driver.find_element(By.ID, "key-dialog").is_displayed(), "asked only once"
        # A 401 is an expected answer while asking; anything else in the console is not.
        errors = [e for e in browser.errors() if "401" not in e["message"]]
        assert not errors, f"console errors: {errors}"
        print("ok   API key asked once and remembered")
        return []
    except Exception:
        print(f"FAIL API key flow\n{traceback.format_exc()}")
        return ["API key flow"]
    finally:
        browser.quit()
        monitor.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--monitord", required=True)
    parser.add_argument("--artifacts", required=True)
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="chief-browser-test-")
    monitor = Monitor(args.monitord, workdir)
    failures = []
    try:
        monitor.send(chiefd_events("db1", datetime.datetime.now(datetime.timezone.utc)))
        browser = Browser(args.artifacts, tempfile.mkdtemp(prefix="chromium-", dir=workdir))
        try:
            failures += run_checks(browser, monitor)
        finally:
            browser.quit()
    finally:
        monitor.stop()
    failures += api_key_flow(args.monitord, workdir, args.artifacts)
    shutil.rmtree(workdir, ignore_errors=True)
    print(f"screenshots in {args.artifacts}")
    if failures:
        print(f"{len(failures)} failed: {', '.join(failures)}")
        return 1
    print("all dashboard checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
