"""The dashboard's session cookie: a signed, expiring wrapper around a server-side session's secret.

The signature lets a forged or stale cookie be refused without a database
read; the session row lets logging out end the session at once.
"""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "keepword_session"


class SessionSigner:
    """Signs a session secret into a cookie value that expires after `max_age` seconds."""

    def __init__(self, secret: str, max_age: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="keepword.dashboard.session")
        self.max_age = max_age

    def sign(self, session_secret: str) -> str:
        return self._serializer.dumps(session_secret)

    def session_secret(self, cookie: str | None) -> str | None:
        """The session secret in a valid, unexpired cookie, else None."""
        if not cookie:
            return None
        try:
            data = self._serializer.loads(cookie, max_age=self.max_age)
        except BadSignature:  # also raised, as SignatureExpired, for an old cookie
            return None
        return data if isinstance(data, str) else None
