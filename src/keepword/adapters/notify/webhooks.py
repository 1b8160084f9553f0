"""Sends signed webhook requests over HTTP with httpx."""

from __future__ import annotations

import httpx


class HttpxWebhookSender:
    """POSTs one request and answers the status code; a receiver that does not answer in
    `timeout` seconds, or cannot be reached, is an OSError (tried again later)."""

    def __init__(self, timeout: float = 10.0) -> None:
        self._client = httpx.Client(timeout=timeout, follow_redirects=False)

    def send(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        """POST `body` to `url`; the status code of the answer."""
        try:
            response = self._client.post(url, content=body, headers=headers)
        # InvalidURL and the IDNA codec's UnicodeError are not HTTPErrors; a URL stored before it
        # was refused must still count as a failed attempt, not stop the whole round.
        except (httpx.HTTPError, httpx.InvalidURL, UnicodeError) as error:
            raise OSError(f"{type(error).__name__}: {error}") from error
        return response.status_code

    def close(self) -> None:
        """Close the connections."""
        self._client.close()
