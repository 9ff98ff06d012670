"""What a username names in a pool, as Cognito resolves it.

A username names the user stored under it, or, in a pool with UsernameAttributes, the user whose
email or phone number it is. In a pool created with UsernameConfiguration CaseSensitive=False,
any capitalization names the same user (an email alias too), and usernames are stored, so
answered and put in tokens, in lower case, as Cognito answers them for such pools. Every flow
finds users through here, and so do requests naming a user of such a pool that go on to moto.
"""

from __future__ import annotations

from cognito_emulator.exceptions import UserNotFoundException
from cognito_emulator.moto_adapter import Pool, User

USER_NOT_FOUND = "User does not exist."


class UserDirectory:
    """Finds users by username or alias; remembers which user an alias named (rechecked on each
    use) instead of scanning every user on each lookup, as moto does."""

    def __init__(self) -> None:
        self._aliases: dict[tuple[str, str], str] = {}

    def clear(self) -> None:
        self._aliases.clear()

    def stored_username(self, pool: Pool, username: str) -> str:
        """The username a new user is stored under."""
        return username if pool.case_sensitive else username.lower()

    def find(self, pool: Pool, username: str) -> User | None:
        key = self.stored_username(pool, username)
        user = pool.user(key)
        if user is not None:
            return user
        alias_attributes = pool.username_attributes
        if not alias_attributes:
            return None
        case_sensitive = pool.case_sensitive

        def matches(candidate: User) -> bool:
            for attribute in alias_attributes:
                value = candidate.attribute(attribute)
                if value is not None and (value if case_sensitive else value.lower()) == key:
                    return True
            return False

        cached = self._aliases.get((pool.id, key))
        user = pool.user(cached) if cached is not None else None
        if user is not None and matches(user):
            return user
        for candidate in pool.users():
            if matches(candidate):
                self._aliases[(pool.id, key)] = candidate.username
                # Looked up again by username: found by scanning, it would go unnoticed (state/).
                return pool.user(candidate.username)
        return None

    def existing(self, pool: Pool, username: str) -> User:
        user = self.find(pool, username)
        if user is None:
            raise UserNotFoundException(USER_NOT_FOUND)
        return user
