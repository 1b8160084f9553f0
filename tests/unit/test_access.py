"""Who may do what, and the rules for usernames, passwords and token names."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import product

import pytest

from keepword.domain.access import (
    NAME_MAX,
    PASSWORD_MIN,
    ROLE_PERMISSIONS,
    ApiToken,
    Permission,
    Role,
    check_password,
    check_token_name,
    check_username,
    role_allows,
)
from keepword.domain.errors import InvalidValue

R, W, M, C = Permission.READ, Permission.WRITE, Permission.MANAGE_ACCESS, Permission.CONFIGURE

# The whole matrix, written out: a change to a role's rights must change this table too.
ALLOWED: dict[tuple[Role, Permission], bool] = {
    (Role.ADMIN, R): True,
    (Role.ADMIN, W): True,
    (Role.ADMIN, M): True,
    (Role.ADMIN, C): True,
    (Role.INTEGRATION, R): True,
    (Role.INTEGRATION, W): True,
    (Role.INTEGRATION, M): False,
    (Role.INTEGRATION, C): False,
    (Role.LEAD, R): True,
    (Role.LEAD, W): False,
    (Role.LEAD, M): False,
    (Role.LEAD, C): False,
    (Role.AGENT, R): True,
    (Role.AGENT, W): False,
    (Role.AGENT, M): False,
    (Role.AGENT, C): False,
}


def test_the_permission_table_covers_every_role_and_permission() -> None:
    assert set(ALLOWED) == set(product(Role, Permission))
    assert set(ROLE_PERMISSIONS) == set(Role)


@pytest.mark.parametrize(("role", "permission"), sorted(ALLOWED))
def test_role_allows_exactly_what_the_table_says(role: Role, permission: Permission) -> None:
    assert role_allows(role, permission) is ALLOWED[(role, permission)]


# --- passwords ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password", ["x" * PASSWORD_MIN, "correct horse battery staple", "ünïcödé-pässwörd"]
)
def test_a_password_of_at_least_the_minimum_length_is_accepted(password: str) -> None:
    assert check_password(password) == password


@pytest.mark.parametrize("password", ["", "short", "x" * (PASSWORD_MIN - 1)])
def test_a_short_password_is_refused_naming_the_password_field(password: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        check_password(password)

    assert refused.value.field == "password"
    assert str(PASSWORD_MIN) in refused.value.reason


# --- usernames ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "username", ["ada", "a", "Ada.Lovelace@example.com", "team_lead-2", "x" * 64, "007"]
)
def test_a_username_of_letters_digits_and_dot_underscore_at_dash_is_accepted(
    username: str,
) -> None:
    assert check_username(username) == username


@pytest.mark.parametrize(
    "username",
    [
        pytest.param("", id="empty"),
        pytest.param("x" * 65, id="65 characters"),
        pytest.param("ada lovelace", id="space"),
        pytest.param("ada/x", id="slash"),
        pytest.param("ädä", id="non-ASCII letters"),
        pytest.param("ada\tx", id="tab"),
        pytest.param("ada+x", id="plus"),
    ],
)
def test_a_username_with_other_characters_is_refused_naming_the_field(username: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        check_username(username)

    assert refused.value.field == "username"


def test_a_username_ending_in_a_newline_is_refused() -> None:
    # A regex ending in `$` would also match before a final newline.
    with pytest.raises(InvalidValue):
        check_username("ada\n")


# --- token names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [("zendesk-sync", "zendesk-sync"), ("  nightly export ", "nightly export"), ("n", "n")],
)
def test_a_token_name_is_returned_without_surrounding_spaces(name: str, expected: str) -> None:
    assert check_token_name(name) == expected


@pytest.mark.parametrize("name", ["", "   ", "n" * (NAME_MAX + 1)])
def test_a_blank_or_overlong_token_name_is_refused(name: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        check_token_name(name)

    assert refused.value.field == "name"


# --- tokens ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("revoked_at", "active"), [(None, True), (datetime(2026, 11, 23, tzinfo=UTC), False)]
)
def test_a_token_is_active_until_it_is_revoked(revoked_at: datetime | None, active: bool) -> None:
    token = ApiToken("abcd1234", "x", Role.LEAD, datetime(2026, 11, 1, tzinfo=UTC))
    token.revoked_at = revoked_at

    assert token.is_active is active
