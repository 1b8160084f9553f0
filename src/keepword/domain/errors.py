"""Errors the domain and the services raise; the edges translate them (HTTP status, exit code)."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error that a user can act on; `str()` says what was wrong and what to do."""


class InvalidValue(DomainError):
    """A value breaks a rule; `field` names where it is, `reason` why it is refused."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class NotFound(DomainError):
    """Something was asked for by its id and does not exist."""

    def __init__(self, kind: str, external_id: str, hint: str = "") -> None:
        message = f"{kind} '{external_id}' does not exist"
        super().__init__(f"{message}; {hint}" if hint else message)
        self.kind = kind
        self.external_id = external_id


class Conflict(DomainError):
    """The request contradicts what is stored (an unknown reference, a mismatch, a state clash)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class AccessDenied(DomainError):
    """The caller is known but its role does not allow the operation."""
