"""Use cases for API tokens and dashboard users."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from keepword.domain.access import (
    ApiToken,
    DashboardSession,
    Role,
    User,
    check_password,
    check_token_name,
    check_username,
)
from keepword.domain.errors import Conflict, NotFound
from keepword.services.ports import PasswordHasher, UnitOfWork

TOKEN_PREFIX = "kw_"  # noqa: S105 - a marker that makes leaked tokens easy to scan for
# Writing last_used_at on every request would turn each read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def hash_token_secret(secret: str) -> str:
    """The stored form of a token: tokens are 256-bit random, so a fast hash is enough."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    """A new token's record and its secret, which is shown once and never again."""

    token: ApiToken
    secret: str


def create_token(uow: UnitOfWork, name: str, role: Role, now: datetime) -> IssuedToken:
    """Issue a bearer token; only the hash of its secret is stored."""
    name = check_token_name(name)
    with uow:
        token_id = secrets.token_hex(4)
        while uow.tokens.get(token_id) is not None:
            token_id = secrets.token_hex(4)
        secret = f"{TOKEN_PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
        token = ApiToken(token_id=token_id, name=name, role=role, created_at=now)
        uow.tokens.add(token, hash_token_secret(secret))
        uow.commit()
    return IssuedToken(token, secret)


def authenticate_token(uow: UnitOfWork, secret: str, now: datetime) -> ApiToken | None:
    """The active token with this secret, or None; records when it was last used."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    with uow:
        token = uow.tokens.find_by_hash(hash_token_secret(secret))
        if token is None or not token.is_active:
            return None
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            token.last_used_at = now
            uow.tokens.save(token)
            uow.commit()
    return token


def list_tokens(uow: UnitOfWork) -> Sequence[ApiToken]:
    """Every token, without secrets."""
    with uow:
        return uow.tokens.all()


def revoke_token(uow: UnitOfWork, token_id: str, now: datetime) -> ApiToken:
    """Revoke a token at once; revoking it again changes nothing."""
    with uow:
        token = uow.tokens.get(token_id)
        if token is None:
            raise NotFound("token", token_id, "`keepword token list` shows the ids")
        if token.revoked_at is None:
            token.revoked_at = now
            uow.tokens.save(token)
            uow.commit()
    return token


def create_user(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    username: str,
    password: str,
    role: Role,
    now: datetime,
) -> User:
    """Create a dashboard user with a hashed password; the name must be free."""
    username = check_username(username)
    check_password(password)
    with uow:
        if uow.users.get(username) is not None:
            raise Conflict(f"user '{username}' already exists; choose another name", "username")
        user = User(username, role, hasher.hash(password), created_at=now)
        uow.users.save(user)
        uow.commit()
    return user


def set_password(uow: UnitOfWork, hasher: PasswordHasher, username: str, password: str) -> User:
    """Replace a user's password."""
    check_password(password)
    with uow:
        user = _existing_user(uow, username)
        user.password_hash = hasher.hash(password)
        uow.users.save(user)
        uow.commit()
    return user


def set_user_active(uow: UnitOfWork, username: str, active: bool) -> User:
    """Let a user log in again, or stop them from logging in."""
    with uow:
        user = _existing_user(uow, username)
        user.active = active
        uow.users.save(user)
        uow.commit()
    return user


def list_users(uow: UnitOfWork) -> Sequence[User]:
    """Every dashboard user, by name."""
    with uow:
        return uow.users.all()


def find_active_user(uow: UnitOfWork, username: str) -> User | None:
    """The user with this name if they may log in, else None."""
    with uow:
        user = uow.users.get(username)
    return user if user is not None and user.active else None


def log_in(uow: UnitOfWork, hasher: PasswordHasher, username: str, password: str) -> User | None:
    """The user if the name and password match an active user, else None."""
    user = find_active_user(uow, username)
    if user is None:
        # Hash anyway so a wrong name takes as long as a wrong password.
        hasher.hash(password)
        return None
    return user if hasher.verify(user.password_hash, password) else None


def start_session(uow: UnitOfWork, user: User, now: datetime, lifetime: timedelta) -> str:
    """Open a dashboard session for `user`; returns the secret the browser keeps."""
    secret = secrets.token_urlsafe(32)
    with uow:
        uow.sessions.delete_expired(now)
        uow.sessions.add(
            DashboardSession(hash_token_secret(secret), user.username, now, now + lifetime)
        )
        uow.commit()
    return secret


def user_of_session(uow: UnitOfWork, secret: str, now: datetime) -> User | None:
    """The active user whose unexpired session this is, else None."""
    with uow:
        session = uow.sessions.get(hash_token_secret(secret))
        if session is None or not session.is_valid_at(now):
            return None
        user = uow.users.get(session.username)
    return user if user is not None and user.active else None


def end_session(uow: UnitOfWork, secret: str) -> None:
    """Log out: the session stops working everywhere at once."""
    with uow:
        uow.sessions.delete(hash_token_secret(secret))
        uow.commit()


def _existing_user(uow: UnitOfWork, username: str) -> User:
    user = uow.users.get(username)
    if user is None:
        raise NotFound("user", username, "`keepword user list` shows the users")
    return user
