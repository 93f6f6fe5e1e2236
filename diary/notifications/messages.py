"""The words of reminders and provider alerts, for email and Web Push.

Pure. These texts travel through third-party mail relays and push services
and show on lock screens, so they carry no health data: no names, no scores,
no flags, nothing that says why a patient needs attention (docs/api.md, "Reminders and push").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

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
    ``{"title", "body", "url"}``. ``push_topic`` lets a push service replace
    an undelivered older message of the same kind with the newer one
    (RFC 8030 §5.4), so a phone that was off for three days shows one
    reminder, not three.
    """

    subject: str
    text: str
    html: str
    push: dict = field(hash=False)
    push_topic: str


def _link(base_url: str | None) -> str:
    return (base_url or "").rstrip("/") + "/"


def _html(paragraphs: list[str], url: str, link_text: str) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(paragraphs[0])}</title></head>"
        '<body style="font-family: sans-serif; font-size: 16px; line-height: 1.5">'
        f'{body}<p><a href="{escape(url, quote=True)}">{escape(link_text)}</a></p>'
        "</body></html>"
    )


def reminder_message(base_url: str | None) -> Message:
    """The patient's daily reminder."""
    url = _link(base_url)
    headline = "Time for your daily check-in"
    lines = [
        headline,
        "It takes about a minute. Open Afterglow when it suits you.",
        "You can change the time of this reminder, or turn it off, in Settings.",
    ]
    return Message(
        subject=headline,
        text=f"{lines[0]}.\n\n{lines[1]}\n{url}\n\n{lines[2]}\n",
        html=_html(lines, url, "Open Afterglow"),
        push={"title": APP_NAME, "body": headline, "url": url},
        push_topic="daily-check-in",
    )


def invite_message(join_url: str, code: str, valid_until: str) -> Message:
    """An invitation to create an account: the link, the code and until when they work.

    No clinic, no treatment, no name: a mail relay learns only that someone was invited.
    """
    headline = "Your invitation to Afterglow"
    lines = [
        "You have been invited to create an account in Afterglow.",
        f"Open the link to create it, or enter the invite code {code} on the sign-up page.",
        f"The invite works once, until {valid_until}. If you did not expect it, you can ignore this email.",
    ]
    return Message(
        subject=headline,
        text=f"{lines[0]}\n\n{lines[1]}\n{join_url}\n\n{lines[2]}\n",
        html=_html(lines, join_url, "Create your account"),
        push={"title": APP_NAME, "body": headline, "url": join_url},
        push_topic="invite",
    )


def password_reset_message(reset_url: str, valid_minutes: int) -> Message:
    """The link that sets a new password. No name, no clinic: it tells a relay only that someone asked."""
    headline = "Reset your Afterglow password"
    lines = [
        "Someone asked to reset the password of your Afterglow account.",
        "Open the link to choose a new password.",
        f"The link works once, for {valid_minutes} minutes. If you did not ask for it, you can ignore "
        "this email: your password stays as it is.",
    ]
    return Message(
        subject=headline,
        text=f"{lines[0]}\n\n{lines[1]}\n{reset_url}\n\n{lines[2]}\n",
        html=_html(lines, reset_url, "Choose a new password"),
        push={"title": APP_NAME, "body": headline, "url": reset_url},
        push_topic="password-reset",
    )


def provider_alert_message(count: int, base_url: str | None) -> Message:
    """Tells a provider that ``count`` patients on their care team have
    something to look at, without saying who or what."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a positive int, got {count!r}")
    url = _link(base_url)
    headline = f"{count} patient{'s' if count != 1 else ''} need{'s' if count == 1 else ''} your attention"
    lines = [headline, "Open your patient list in Afterglow to see who."]
    return Message(
        subject=headline,
        text=f"{lines[0]}.\n\n{lines[1]}\n{url}\n",
        html=_html(lines, url, "Open the patient list"),
        push={"title": APP_NAME, "body": headline, "url": url},
        push_topic="provider-attention",
    )
