"""The moto internals the adapter relies on are checked, and a change fails with a clear message."""

from __future__ import annotations

import functools
from typing import Any

import pytest
from moto.cognitoidp import models as moto_models

from cognito_emulator import moto_boundary
from cognito_emulator.backend import EmulatorBackend


@pytest.fixture
def unchecked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget that this process already passed the checks, so EmulatorBackend runs them again."""
    monkeypatch.setattr(moto_boundary, "_checked", False)


def test_installed_moto_passes_every_check() -> None:
    moto_boundary.check_version()
    moto_boundary.check_members()


@pytest.mark.parametrize("version", ["5.2.4", "5.3.0", "6.0.0"])
def test_a_moto_outside_the_pinned_range_is_refused(version: str) -> None:
    with pytest.raises(moto_boundary.MotoBoundaryError, match=f"installed moto is {version}"):
        moto_boundary.check_version(version)


def test_a_removed_method_is_named(monkeypatch: pytest.MonkeyPatch, unchecked: None) -> None:
    """A method the adapter overrides: if moto renames it, the emulator refuses to start."""
    monkeypatch.delattr(moto_models.CognitoIdpBackend, "update_user_pool")

    with pytest.raises(RuntimeError, match=r"CognitoIdpBackend\.update_user_pool no longer exists"):
        EmulatorBackend()


def test_a_changed_signature_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    def update_user_pool(self: object, pool_id: str, config: dict[str, Any]) -> None: ...

    monkeypatch.setattr(moto_models.CognitoIdpBackend, "update_user_pool", update_user_pool)

    with pytest.raises(moto_boundary.MotoBoundaryError) as error:
        moto_boundary.check_members()
    message = str(error.value)
    assert "CognitoIdpBackend.update_user_pool takes (self, pool_id, config)" in message
    assert "expected (self, user_pool_id, extended_config)" in message
    assert "supports moto <5.3,>=5.2.5" in message


def test_a_missing_instance_attribute_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    original = moto_models.CognitoIdpUser.__init__

    @functools.wraps(original)
    def without_lookup(self: moto_models.CognitoIdpUser, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        del self.attribute_lookup

    monkeypatch.setattr(moto_models.CognitoIdpUser, "__init__", without_lookup)

    with pytest.raises(
        moto_boundary.MotoBoundaryError, match=r"a CognitoIdpUser no longer has \.attribute_lookup"
    ):
        moto_boundary.check_members()


def test_a_moved_bundled_key_load_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """The emulator runs moto's pool constructor with its key loading stubbed out."""

    def new_init(
        self: object, account_id: str, region: str, name: str, extended_config: dict[str, Any]
    ) -> None: ...

    monkeypatch.setattr(moto_models.CognitoIdpUserPool, "__init__", new_init)

    with pytest.raises(moto_boundary.MotoBoundaryError, match="bundled key"):
        moto_boundary.check_members()


def test_a_missing_user_status_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    class UserStatus:
        CONFIRMED = "CONFIRMED"

    monkeypatch.setattr(moto_models, "UserStatus", UserStatus)

    with pytest.raises(moto_boundary.MotoBoundaryError, match=r"UserStatus\.UNCONFIRMED"):
        moto_boundary.check_members()
