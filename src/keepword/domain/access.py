"""Who may do what: roles, permissions, API tokens and dashboard users."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from keepword.domain.errors import InvalidValue


class Role(StrEnum):
    ADMIN = "admin"
    LEAD = "lead"
    AGENT = "agent"
    INTEGRATION = "integration"


class Permission(StrEnum):
    READ = "read"  # customers, cases, conversations, findings
    WRITE = "write"  # create and update data
    MANAGE_ACCESS = "manage_access"  # tokens and users
    CONFIGURE = "configure"  # the organisation's settings


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.LEAD: frozenset({Permission.READ}),
    Role.AGENT: frozenset({Permission.READ}),
    # Systems that feed Keepword read back what they wrote, but never manage access.
    Role.INTEGRATION: frozenset({Permission.READ, Permission.WRITE}),
}


def role_allows(role: Role, permission: Permission) -> bool:
    """True when `role` carries `permission`."""
    return permission in ROLE_PERMISSIONS[role]


NAME_MAX = 64
PASSWORD_MIN = 10
_USERNAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")


def check_token_name(name: str) -> str:
    """Return a token name of 1-64 characters: what the token is for, e.g. 'zendesk-sync'."""
    if not name.strip() or len(name) > NAME_MAX:
        raise InvalidValue("name", f"a token name has 1-{NAME_MAX} characters")
    return name.strip()


def check_username(username: str) -> str:
    """Return a username of letters, digits and . _ @ - (1-64 characters)."""
    if not _USERNAME.fullmatch(username):
        raise InvalidValue(
            "username", "use 1-64 letters, digits or the characters . _ @ - (no spaces)"
        )
    return username


def check_password(password: str) -> str:
    """Return the password if it is long enough to resist guessing."""
    if len(password) < PASSWORD_MIN:
        raise InvalidValue("password", f"use at least {PASSWORD_MIN} characters")
    return password


@dataclass
class ApiToken:
    """A bearer token's public record; the secret itself is never stored, only its hash."""

    token_id: str
    name: str
    role: Role
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        """True until the token is revoked."""
        return self.revoked_at is None


@dataclass(frozen=True)
class DashboardSession:
    """A dashboard login: who, until when; the browser holds a secret whose hash is this id."""

    session_id: str
    username: str
    started_at: datetime
    expires_at: datetime

    def is_valid_at(self, now: datetime) -> bool:
        """True from the login until the session expires."""
        return self.started_at <= now < self.expires_at


@dataclass
class User:
    """Someone who logs in to the dashboard."""

    username: str
    role: Role
    password_hash: str
    created_at: datetime
    active: bool = True
