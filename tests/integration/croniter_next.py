#!/usr/bin/python3
"""The independent reference for import-cron's test: python3-croniter (Debian's package).

Reads one JSON request per line on standard input, {"expr": "30 4 1,15 * 5", "tz": "UTC",
"start": <epoch seconds>, "count": 50, "day_or": true}, and writes one JSON list per line: the
next `count` fire times after `start`, as epoch seconds. day_or is croniter's switch for cron's
"either day field" rule; the caller sets it by Vixie cron's rule (OR unless a day field starts
with "*"), since croniter decides by the expanded sets instead.
"""
import json
import sys
from datetime import datetime

import pytz
from croniter import croniter

for line in sys.stdin:
    request = json.loads(line)
    zone = pytz.timezone(request["tz"])
    start = datetime.fromtimestamp(request["start"], zone)
    it = croniter(request["expr"], start, day_or=request["day_or"])
    times = [int(it.get_next(datetime).timestamp()) for _ in range(request["count"])]
    print(json.dumps(times), flush=True)
