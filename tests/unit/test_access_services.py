"""API tokens and dashboard users, against the in-memory stores and a fake hasher."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from keepword.domain.access import Role
from keepword.domain.errors import Conflict, InvalidValue, NotFound
from keepword.services.access import (
    TOKEN_PREFIX,
    IssuedToken,
    authenticate_token,
    create_token,
    create_user,
    end_session,
    list_tokens,
    list_users,
    log_in,
    revoke_token,
    set_password,
    set_user_active,
    start_session,
    user_of_session,
)
from tests.fakes import FakeHasher, FakeUnitOfWork

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
PASSWORD = "a-long-enough-password"


def _issue(uow: FakeUnitOfWork, role: Role = Role.INTEGRATION) -> IssuedToken:
    return create_token(uow, "zendesk-sync", role, NOW)


def _stored_last_use(uow: FakeUnitOfWork, token_id: str) -> datetime | None:
    return uow.tokens.tokens[token_id][0].last_used_at


# --- tokens ---------------------------------------------------------------------------------


def test_a_new_token_secret_starts_with_kw_and_names_the_token() -> None:
    issued = _issue(FakeUnitOfWork())

    assert issued.secret.startswith(f"{TOKEN_PREFIX}{issued.token.token_id}_")
    assert len(issued.secret) > 40


def test_a_new_token_secret_authenticates_as_that_token() -> None:
    uow = FakeUnitOfWork()
    issued = _issue(uow, Role.LEAD)

    token = authenticate_token(uow, issued.secret, NOW)

    assert token is not None
    assert (token.token_id, token.name, token.role) == (
        issued.token.token_id,
        "zendesk-sync",
        "lead",
    )


def test_only_the_sha256_of_a_token_secret_is_stored() -> None:
    uow = FakeUnitOfWork()

    issued = _issue(uow)

    stored_token, stored_hash = uow.tokens.tokens[issued.token.token_id]
    assert stored_hash == hashlib.sha256(issued.secret.encode()).hexdigest()
    assert issued.secret not in repr(uow.tokens.tokens)
    assert issued.secret.removeprefix(TOKEN_PREFIX) not in repr(stored_token)


def test_two_tokens_get_different_ids_and_secrets() -> None:
    uow = FakeUnitOfWork()

    first, second = _issue(uow), _issue(uow)

    assert first.token.token_id != second.token.token_id
    assert first.secret != second.secret
    assert [t.token_id for t in list_tokens(uow)] == [first.token.token_id, second.token.token_id]


def test_a_token_name_is_checked_before_anything_is_stored() -> None:
    uow = FakeUnitOfWork()

    with pytest.raises(InvalidValue):
        create_token(uow, "   ", Role.ADMIN, NOW)

    assert uow.tokens.tokens == {}


@pytest.mark.parametrize(
    "wrong",
    [
        pytest.param(lambda s: s + "x", id="one character more"),
        pytest.param(lambda s: s[:-1], id="one character less"),
        pytest.param(lambda s: s.removeprefix(TOKEN_PREFIX), id="without the prefix"),
        pytest.param(lambda s: s.upper(), id="upper case"),
        pytest.param(lambda s: "", id="empty"),
        pytest.param(lambda s: TOKEN_PREFIX, id="only the prefix"),
    ],
)
def test_a_wrong_secret_authenticates_nobody(wrong: Callable[[str], str]) -> None:
    uow = FakeUnitOfWork()
    issued = _issue(uow)

    assert authenticate_token(uow, wrong(issued.secret), NOW) is None


def test_a_revoked_token_authenticates_nobody() -> None:
    uow = FakeUnitOfWork()
    issued = _issue(uow)
    revoke_token(uow, issued.token.token_id, NOW)

    assert authenticate_token(uow, issued.secret, NOW + timedelta(seconds=1)) is None


def test_a_failed_authentication_records_no_use() -> None:
    uow = FakeUnitOfWork()
    issued = _issue(uow)
    revoke_token(uow, issued.token.token_id, NOW)

    authenticate_token(uow, issued.secret, NOW)

    assert _stored_last_use(uow, issued.token.token_id) is None


@pytest.mark.parametrize(
    ("second_use", "stored"),
    [
        pytest.param(timedelta(0), timedelta(0), id="same instant"),
        pytest.param(timedelta(minutes=4, seconds=59), timedelta(0), id="4:59 later"),
        pytest.param(timedelta(minutes=5), timedelta(minutes=5), id="5:00 later"),
        pytest.param(timedelta(hours=2), timedelta(hours=2), id="2 hours later"),
    ],
)
def test_last_used_at_is_written_at_most_once_per_five_minutes(
    second_use: timedelta, stored: timedelta
) -> None:
    uow = FakeUnitOfWork()
    issued = _issue(uow)
    authenticate_token(uow, issued.secret, NOW)

    authenticate_token(uow, issued.secret, NOW + second_use)

    assert _stored_last_use(uow, issued.token.token_id) == NOW + stored


def test_the_first_use_of_a_token_is_recorded() -> None:
    uow = FakeUnitOfWork()
    issued = _issue(uow)

    token = authenticate_token(uow, issued.secret, NOW + timedelta(days=3))

    assert token is not None
    assert token.last_used_at == NOW + timedelta(days=3)
    assert _stored_last_use(uow, issued.token.token_id) == NOW + timedelta(days=3)


def test_uses_within_five_minutes_of_the_recorded_one_are_not_recorded_one_by_one() -> None:
    uow = FakeUnitOfWork()
    issued = _issue(uow)

    for minute in range(12):
        authenticate_token(uow, issued.secret, NOW + timedelta(minutes=minute))

    assert _stored_last_use(uow, issued.token.token_id) == NOW + timedelta(minutes=10)


def test_revoking_a_token_records_when() -> None:
    uow = FakeUnitOfWork()
    issued = _issue(uow)

    revoked = revoke_token(uow, issued.token.token_id, NOW + timedelta(hours=1))

    assert revoked.revoked_at == NOW + timedelta(hours=1)
    assert not revoked.is_active


def test_revoking_a_token_twice_keeps_the_first_revocation_time() -> None:
    uow = FakeUnitOfWork()
    issued = _issue(uow)
    revoke_token(uow, issued.token.token_id, NOW + timedelta(hours=1))

    again = revoke_token(uow, issued.token.token_id, NOW + timedelta(hours=2))

    assert again.revoked_at == NOW + timedelta(hours=1)
    assert uow.tokens.tokens[issued.token.token_id][0].revoked_at == NOW + timedelta(hours=1)


def test_revoking_an_unknown_token_is_not_found() -> None:
    with pytest.raises(NotFound) as refused:
        revoke_token(FakeUnitOfWork(), "deadbeef", NOW)

    assert refused.value.external_id == "deadbeef"
    assert "token list" in str(refused.value)


# --- users ----------------------------------------------------------------------------------


def test_a_new_user_is_stored_with_the_hash_of_the_password() -> None:
    uow, hasher = FakeUnitOfWork(), FakeHasher()

    user = create_user(uow, hasher, "ada", PASSWORD, Role.LEAD, NOW)

    assert uow.users.users["ada"].password_hash == hasher.hash(PASSWORD)
    assert PASSWORD not in repr(uow.users.users)
    assert (user.role, user.active, user.created_at) == (Role.LEAD, True, NOW)


def test_creating_a_user_whose_name_is_taken_is_a_conflict() -> None:
    uow, hasher = FakeUnitOfWork(), FakeHasher()
    create_user(uow, hasher, "ada", PASSWORD, Role.LEAD, NOW)

    with pytest.raises(Conflict) as refused:
        create_user(uow, hasher, "ada", "another-long-password", Role.ADMIN, NOW)

    assert refused.value.field == "username"
    assert uow.users.users["ada"].role is Role.LEAD


@pytest.mark.parametrize("password", ["", "short", "123456789"])
def test_creating_a_user_with_a_short_password_is_refused_naming_password(password: str) -> None:
    uow = FakeUnitOfWork()

    with pytest.raises(InvalidValue) as refused:
        create_user(uow, FakeHasher(), "ada", password, Role.LEAD, NOW)

    assert refused.value.field == "password"
    assert uow.users.users == {}


def test_creating_a_user_with_a_bad_name_is_refused_naming_username() -> None:
    with pytest.raises(InvalidValue) as refused:
        create_user(FakeUnitOfWork(), FakeHasher(), "ada lovelace", PASSWORD, Role.LEAD, NOW)

    assert refused.value.field == "username"


def test_users_are_listed_by_name() -> None:
    uow, hasher = FakeUnitOfWork(), FakeHasher()
    for name in ("zoe", "ada", "max"):
        create_user(uow, hasher, name, PASSWORD, Role.AGENT, NOW)

    assert [user.username for user in list_users(uow)] == ["ada", "max", "zoe"]


def test_log_in_with_the_right_password_gives_the_user() -> None:
    uow, hasher = FakeUnitOfWork(), FakeHasher()
    create_user(uow, hasher, "ada", PASSWORD, Role.LEAD, NOW)

    user = log_in(uow, hasher, "ada", PASSWORD)

    assert user is not None
    assert user.username == "ada"


@pytest.mark.parametrize(
    ("username", "password"),
    [
        pytest.param("ada", "a-long-enough-passworD", id="wrong password"),
        pytest.param("ada", "", id="empty password"),
        pytest.param("bob", PASSWORD, id="unknown user"),
        pytest.param("ADA", PASSWORD, id="name in another case"),
    ],
)
def test_log_in_with_a_wrong_name_or_password_gives_none(username: str, password: str) -> None:
    uow, hasher = FakeUnitOfWork(), FakeHasher()
    create_user(uow, hasher, "ada", PASSWORD, Role.LEAD, NOW)

    assert log_in(uow, hasher, username, password) is None


def test_log_in_as_a_disabled_user_gives_none() -> None:
    uow, hasher = FakeUnitOfWork(), FakeHasher()
    create_user(uow, hasher, "ada", PASSWORD, Role.LEAD, NOW)
    set_user_active(uow, "ada", active=False)

    assert log_in(uow, hasher, "ada", PASSWORD) is None


def test_a_re_enabled_user_can_log_in_again() -> None:
    uow, hasher = FakeUnitOfWork(), FakeHasher()
    create_user(uow, hasher, "ada", PASSWORD, Role.LEAD, NOW)
    set_user_active(uow, "ada", active=False)

    set_user_active(uow, "ada", active=True)

    assert log_in(uow, hasher, "ada", PASSWORD) is not None


def test_after_a_password_change_only_the_new_password_logs_in() -> None:
    uow, hasher = FakeUnitOfWork(), FakeHasher()
    create_user(uow, hasher, "ada", PASSWORD, Role.LEAD, NOW)

    set_password(uow, hasher, "ada", "a-brand-new-password")

    assert log_in(uow, hasher, "ada", PASSWORD) is None
    assert log_in(uow, hasher, "ada", "a-brand-new-password") is not None


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda uow: set_password(uow, FakeHasher(), "nobody", PASSWORD), id="pw"),
        pytest.param(lambda uow: set_user_active(uow, "nobody", active=False), id="disable"),
    ],
)
def test_changing_an_unknown_user_is_not_found(change: Callable[[FakeUnitOfWork], object]) -> None:
    with pytest.raises(NotFound):
        change(FakeUnitOfWork())


# --- dashboard sessions ---------------------------------------------------------------------

HOUR = timedelta(hours=1)


def _user_with_session(uow: FakeUnitOfWork) -> str:
    user = create_user(uow, FakeHasher(), "lead1", PASSWORD, Role.LEAD, NOW)
    return start_session(uow, user, NOW, HOUR)


def test_a_session_finds_its_user_until_it_expires() -> None:
    uow = FakeUnitOfWork()
    secret = _user_with_session(uow)

    during = user_of_session(uow, secret, NOW + HOUR - timedelta(seconds=1))
    after = user_of_session(uow, secret, NOW + HOUR)

    assert during is not None
    assert during.username == "lead1"
    assert after is None


def test_only_the_hash_of_a_session_secret_is_stored() -> None:
    uow = FakeUnitOfWork()
    secret = _user_with_session(uow)

    assert secret not in uow.sessions.sessions
    assert hashlib.sha256(secret.encode()).hexdigest() in uow.sessions.sessions


def test_an_ended_session_no_longer_finds_its_user() -> None:
    uow = FakeUnitOfWork()
    secret = _user_with_session(uow)

    end_session(uow, secret)

    assert user_of_session(uow, secret, NOW) is None


def test_a_session_of_a_disabled_user_finds_nobody() -> None:
    uow = FakeUnitOfWork()
    secret = _user_with_session(uow)

    set_user_active(uow, "lead1", active=False)

    assert user_of_session(uow, secret, NOW) is None


def test_starting_a_session_forgets_the_expired_ones() -> None:
    uow = FakeUnitOfWork()
    old = _user_with_session(uow)
    user = list_users(uow)[0]

    start_session(uow, user, NOW + 2 * HOUR, HOUR)

    assert hashlib.sha256(old.encode()).hexdigest() not in uow.sessions.sessions
    assert len(uow.sessions.sessions) == 1
