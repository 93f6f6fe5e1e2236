"""The words of reminders and provider alerts, for email and Web Push.

These texts travel through third-party mail relays and push services
and show on lock screens, so they carry no health data: no names, no scores,
no flags, nothing that says why a patient needs attention (docs/api.md, "Reminders and push").

Each is made in the language in force (``i18n.for_user(recipient)`` or
``i18n.for_language(code)`` around the call; English outside any), with its
dates and numbers in that language's formats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from babel import Locale, dates, numbers
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from ..i18n import DEFAULT_LANGUAGE

__all__ = [
    "Message",
    "invite_message",
    "password_reset_message",
    "provider_alert_message",
    "reminder_message",
]

APP_NAME = "Afterglow"


@dataclass(frozen=True)
class Message:
    """One notification, ready for either channel.

    ``push`` is the Web Push payload the service worker shows:
    ``{"title", "body", "url", "lang"}``. ``push_topic`` lets a push service replace
    an undelivered older message of the same kind with the newer one
    (RFC 8030 §5.4), so a phone that was off for three days shows one
    reminder, not three. ``language`` is the one it is written in (the
    email's ``Content-Language``).
    """

    subject: str
    text: str
    html: str
    push: dict = field(hash=False)
    push_topic: str
    language: str = DEFAULT_LANGUAGE


def _locale() -> Locale:
    """The language in force: the recipient's, inside ``for_user``/``for_language``."""
    return get_locale() or Locale.parse(DEFAULT_LANGUAGE)


def _count(number: int) -> str:
    """A count in the language's digits and grouping ("1,234", "1234", "12.345")."""
    return numbers.format_decimal(number, locale=_locale())


def when(instant: datetime, zone: str) -> str:
    """An instant as a reader of the language in force writes it, on the clock of ``zone``, with
    the zone's name: "January 12, 2027, 10:05 AM (Central European Standard Time)", "12 de enero
    de 2027, 10:05 (hora estándar de Europa central)"."""
    locale = _locale()
    pattern = (
        str(dates.get_datetime_format("long", locale=locale))
        .replace("{1}", dates.get_date_format("long", locale=locale).pattern)
        .replace("{0}", dates.get_time_format("short", locale=locale).pattern)
    )
    return dates.format_datetime(instant, f"{pattern} (zzzz)", tzinfo=ZoneInfo(zone), locale=locale)


def _link(base_url: str | None) -> str:
    return (base_url or "").rstrip("/") + "/"


def _message(
    *, subject: str, text: str, lines: list[str], url: str, link_text: str, push_body: str, topic: str
) -> Message:
    language = _locale().language
    return Message(
        subject=subject,
        text=text,
        html=_html(lines, url, link_text, language),
        push={"title": APP_NAME, "body": push_body, "url": url, "lang": language},
        push_topic=topic,
        language=language,
    )


def _html(paragraphs: list[str], url: str, link_text: str, language: str) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="{escape(language, quote=True)}"><head><meta charset="utf-8">'
        f"<title>{escape(paragraphs[0])}</title></head>"
        '<body style="font-family: sans-serif; font-size: 16px; line-height: 1.5">'
        f'{body}<p><a href="{escape(url, quote=True)}">{escape(link_text)}</a></p>'
        "</body></html>"
    )


def reminder_message(base_url: str | None) -> Message:
    """The patient's daily reminder: gentle, no guilt, nothing about how they are."""
    url = _link(base_url)
    # TRANSLATORS: the daily reminder's email subject and push text, to a patient. Gentle, no guilt.
    headline = _("Time for your daily check-in")
    lines = [
        headline,
        _("It takes about a minute. Open Afterglow when it suits you."),
        _("You can change the time of this reminder, or turn it off, in Settings."),
    ]
    return _message(
        subject=headline,
        text=f"{lines[0]}.\n\n{lines[1]}\n{url}\n\n{lines[2]}\n",
        lines=lines,
        url=url,
        # TRANSLATORS: the link at the end of the reminder email.
        link_text=_("Open Afterglow"),
        push_body=headline,
        topic="daily-check-in",
    )


def invite_message(join_url: str, code: str, expires_at: datetime, zone: str) -> Message:
    """An invitation to create an account: the link, the code and until when they work (on the
    clock of ``zone``).

    No clinic, no treatment, no name: a mail relay learns only that someone was invited.
    """
    headline = _("Your invitation to Afterglow")
    lines = [
        _("You have been invited to create an account in Afterglow."),
        _("Open the link to create it, or enter the invite code %(code)s on the sign-up page.", code=code),
        # TRANSLATORS: valid_until is a date, a time and a time zone: "January 12, 2027, 10:05 AM (…)".
        _(
            "The invite works once, until %(valid_until)s. If you did not expect it, you can ignore this email.",
            valid_until=when(expires_at, zone),
        ),
    ]
    return _message(
        subject=headline,
        text=f"{lines[0]}\n\n{lines[1]}\n{join_url}\n\n{lines[2]}\n",
        lines=lines,
        url=join_url,
        link_text=_("Create your account"),
        push_body=headline,
        topic="invite",
    )


def password_reset_message(reset_url: str, valid_minutes: int) -> Message:
    """The link that sets a new password. No name, no clinic: it tells a relay only that someone asked."""
    headline = _("Reset your Afterglow password")
    lines = [
        _("Someone asked to reset the password of your Afterglow account."),
        _("Open the link to choose a new password."),
        ngettext(
            "The link works once, for %(count)s minute. If you did not ask for it, you can ignore "
            "this email: your password stays as it is.",
            "The link works once, for %(count)s minutes. If you did not ask for it, you can ignore "
            "this email: your password stays as it is.",
            valid_minutes,
            count=_count(valid_minutes),
        ),
    ]
    return _message(
        subject=headline,
        text=f"{lines[0]}\n\n{lines[1]}\n{reset_url}\n\n{lines[2]}\n",
        lines=lines,
        url=reset_url,
        link_text=_("Choose a new password"),
        push_body=headline,
        topic="password-reset",
    )


def provider_alert_message(count: int, base_url: str | None) -> Message:
    """Tells a provider that ``count`` patients on their care team have
    something to look at, without saying who or what."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a positive int, got {count!r}")
    url = _link(base_url)
    # TRANSLATORS: to a provider; it must not say who or why (the email passes through mail relays).
    headline = ngettext(
        "%(count)s patient needs your attention",
        "%(count)s patients need your attention",
        count,
        count=_count(count),
    )
    lines = [headline, _("Open your patient list in Afterglow to see who.")]
    return _message(
        subject=headline,
        text=f"{lines[0]}.\n\n{lines[1]}\n{url}\n",
        lines=lines,
        url=url,
        link_text=_("Open the patient list"),
        push_body=headline,
        topic="provider-attention",
    )
