"""HTTP response headers that every page carries.

Camera and microphone are off everywhere (``Permissions-Policy``) except on the
device check's page, which says so itself (``MEDIA_PERMISSIONS``). Production
adds HSTS: browsers then use only https for the portal, for ``HSTS_SECONDS``.
"""

from flask import current_app

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


NO_PERMISSIONS = "camera=(), microphone=(), geolocation=()"
MEDIA_PERMISSIONS = "camera=(self), microphone=(self), geolocation=()"


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", NO_PERMISSIONS)
    if current_app.config["ENVIRONMENT"] == "production":
        headers.setdefault(
            "Strict-Transport-Security",
            f"max-age={current_app.config['HSTS_SECONDS']}; includeSubDomains",
        )
    if response.mimetype == "text/html":
        # Pages show personal data: never keep them in shared caches or history.
        headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app) -> None:
    app.after_request(add_security_headers)
