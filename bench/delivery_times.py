"""Herald's ISO-8601 timestamps ("2026-11-23T17:44:31.351Z") → milliseconds since the epoch."""

import calendar
import time


def parse(stamp):
    seconds, millis = stamp.rstrip("Z").split(".")
    return calendar.timegm(time.strptime(seconds, "%Y-%m-%dT%H:%M:%S")) * 1000 + int(millis)
