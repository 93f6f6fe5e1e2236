"""Security headers on every response (ASVS 3.4, HIPAA 164.312(e)).

A small after-request hook rather than flask-talisman: the policy is fixed,
and the whole of it fits on this page.
"""

from flask import current_app, request

# The PWA loads only its own scripts, styles and workers; charts draw to
# canvas (blob:/data: images). Nothing may frame us.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    )
)

# Powerful features the diary never uses. Notifications and push are not
# permission-policy features, so reminders keep working.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "ambient-light-sensor",
        "autoplay",
        "bluetooth",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)

STATIC_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
}
#: Headers that only a browsing context reads (a page, or an API answer opened as one). The
#: PWA's versioned assets (/v/<version>/..., scripts, styles and icons the page loads) never
#: become one, so they go without: at about 400 bytes on each of some forty assets, these
#: were a tenth of a phone's first load (tests/e2e/test_first_load.py).
DOCUMENT_HEADERS = {
    "Permissions-Policy": PERMISSIONS_POLICY,
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate CSP 2
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=63072000; includeSubDomains"


def _is_subresource(response) -> bool:
    return request.path.startswith("/v/") and response.mimetype != "text/html"


def add_security_headers(response):
    headers = STATIC_HEADERS if _is_subresource(response) else STATIC_HEADERS | DOCUMENT_HEADERS
    for name, value in headers.items():
        response.headers.setdefault(name, value)
    if current_app.config["BASE_URL"].startswith("https://"):
        response.headers["Strict-Transport-Security"] = HSTS
    if request.path.startswith("/api/"):
        # Health data must not linger in browser or proxy caches (ASVS 14.3.2).
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response


def init_app(app):
    app.after_request(add_security_headers)
