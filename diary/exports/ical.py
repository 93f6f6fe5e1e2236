"""Planned sessions as an iCalendar feed. Pure.

A calendar is often shared, synced to other servers or shown on a lock screen, so
the events carry no health data: no dose, route, notes, nor the word ketamine.
Its two texts come in the patient's language from the caller (``exports.service``).
"""

from datetime import UTC, timedelta

from icalendar import Calendar, Event, vDuration

DURATION = timedelta(hours=2)
# How often a subscribed calendar app should fetch the feed again.
REFRESH = timedelta(hours=1)
UID_DOMAIN = "afterglow"


def event_uid(treatment) -> str:
    """Stable across exports and reschedules, so a calendar app updates the event in place."""
    return f"{treatment.id}@{UID_DOMAIN}"


def session_event(treatment, summary: str) -> Event:
    event = Event()
    event.add("uid", event_uid(treatment))
    # Without a METHOD, DTSTAMP is the last change (RFC 5545 3.8.7.2); it keeps the feed stable.
    event.add("dtstamp", treatment.updated_at.astimezone(UTC))
    event.add("last-modified", treatment.updated_at.astimezone(UTC))
    event.add("dtstart", treatment.starts_at.astimezone(UTC))
    event.add("duration", DURATION)
    event.add("summary", summary)
    return event


def sessions_calendar(planned_sessions, *, name: str, summary: str) -> bytes:
    """``name``: the calendar's; ``summary``: each event's title."""
    calendar = Calendar()
    calendar.add("prodid", "-//Afterglow//Clinic sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    # An X- property is text to the library, so it gets the duration already written.
    calendar.add("x-published-ttl", vDuration(REFRESH).to_ical().decode())
    for treatment in planned_sessions:
        calendar.add_component(session_event(treatment, summary))
    return calendar.to_ical()
