"""Signed, expiring session cookies for the dashboard."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "keepword_session"


class SessionSigner:
    """Puts a username into a tamper-proof cookie value that expires after `max_age` seconds."""

    def __init__(self, secret: str, max_age: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="keepword.dashboard.session")
        self.max_age = max_age

    def sign(self, username: str) -> str:
        return self._serializer.dumps({"u": username})

    def username(self, cookie: str | None) -> str | None:
        """The username in a valid, unexpired cookie, else None."""
        if not cookie:
            return None
        try:
            data = self._serializer.loads(cookie, max_age=self.max_age)
        except BadSignature:  # also raised, as SignatureExpired, for an old cookie
            return None
        username = data.get("u") if isinstance(data, dict) else None
        return username if isinstance(username, str) else None
