"""A real OpenID Connect provider for the tests (tests/oidc/provider.mjs, the oidc-provider package, on loopback).

`make test` installs its node_modules; without them the tests that need it skip, or fail under CI.
"""
import os
import re
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

PROVIDER_DIR = Path(__file__).parent / "oidc"
CLIENT = {"OIDC_CLIENT_ID": "lms", "OIDC_CLIENT_SECRET": "lms-secret"}


class TestProvider:
    """The running provider, and the switches with which a test plays its part."""

    __test__ = False

    def __init__(self, issuer: str):
        self.issuer = issuer

    def _switch(self, name: str, data: dict | None = None) -> None:
        requests.post(f"{self.issuer}/test/{name}", json=data or {}, timeout=5).raise_for_status()

    def set_accounts(self, **accounts: dict) -> None:
        """login=claims (with "sub"); every account's password is its login backwards."""
        self._switch("accounts", {login: {"password": login[::-1], "claims": claims}
                                  for login, claims in accounts.items()})

    def rotate_keys(self) -> None:
        """Sign with a new key from now on, and publish only that one."""
        self._switch("rotate-keys")

    def signing_key_ids(self) -> set[str]:
        """The ids of the keys the provider publishes now."""
        jwks = requests.get(f"{self.issuer}/jwks", timeout=5).json()
        return {key["kid"] for key in jwks["keys"]}

    def run_clock_off(self, seconds: int) -> None:
        self._switch("clock", {"offset_seconds": seconds})

    def misdirect_id_tokens(self, client_id: str | None) -> None:
        """Issue ID tokens as if for another client (their audience), signed with the provider's own key."""
        self._switch("misdirect", {"client_id": client_id})

    def reset(self) -> None:
        self.run_clock_off(0)
        self.misdirect_id_tokens(None)
        self.set_accounts()


@pytest.fixture(scope="session")
def oidc_provider():
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        message = "the test OpenID provider is not installed: run `make test` (npm ci in tests/oidc)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    process = subprocess.Popen(["node", "provider.mjs"], cwd=PROVIDER_DIR, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline()
        found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
        assert found, f"the test OpenID provider did not start: {line!r}"
        yield TestProvider(found.group(1))
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


@pytest.fixture
def provider(oidc_provider, app):
    """The provider, reset, and this app configured to sign on with it."""
    oidc_provider.reset()
    saved = {key: app.config[key] for key in (*CLIENT, "OIDC_ISSUER")}
    app.config.update(CLIENT, OIDC_ISSUER=oidc_provider.issuer)
    yield oidc_provider
    app.config.update(saved)
    oidc_provider.reset()


def sign_in_at_provider(authorize_url: str, login: str, password: str | None = None, cancel: bool = False) -> str:
    """Go through the provider's login page as a browser would; return where it sends the browser back to."""
    with requests.Session() as browser:
        response = browser.get(authorize_url, timeout=10)
        assert "Test identity provider" in response.text, response.text[:500]
        uid_path = re.search(r'action="(/interaction/[\w-]+)/login"', response.text).group(1)
        target = f"{uid_path}/abort" if cancel else f"{uid_path}/login"
        response = browser.post(urljoin(response.url, target), allow_redirects=False, timeout=10,
                                data={} if cancel else {"login": login, "password": password or login[::-1]})
        # Follow the provider's own redirects; stop at the first one that leaves it (the app's callback).
        provider_host = urlsplit(authorize_url).netloc
        while response.status_code in (302, 303):
            location = urljoin(response.url, response.headers["Location"])
            if urlsplit(location).netloc != provider_host:
                return location
            response = browser.get(location, allow_redirects=False, timeout=10)
        raise AssertionError(f"the provider did not send the browser back: {response.status_code} {response.text[:300]}")
