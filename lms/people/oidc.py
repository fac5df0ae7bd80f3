"""Talk to the force's OpenID Connect provider through Authlib: start a sign-on, check what comes back, sign out.

Authorisation code flow with PKCE (S256), state and nonce, which Authlib keeps in the session between the two legs.
The ID token's signature is checked against the provider's published keys (fetched again when a token names a key
not seen yet, so keys the provider rotates keep working), and its issuer, audience, expiry and nonce against what
this site expects. Every call to the provider has a timeout.
"""
import logging

import requests
from authlib.integrations.flask_client import OAuth, OAuthError
from flask import current_app, session
from joserfc.errors import JoseError

log = logging.getLogger(__name__)

WELL_KNOWN = "/.well-known/openid-configuration"
#: Authlib keeps a pending sign-on's state, nonce and PKCE verifier in the session under "_state_<name>_<state>"
CLIENT_NAME = "sso"


class SignOnFailed(Exception):
    """The provider's answer was an error, or could not be had or trusted; `message` is for the person."""

    def __init__(self, message: str, detail: str):
        super().__init__(detail)
        self.message = message


def sso_enabled() -> bool:
    return bool(current_app.config["OIDC_ISSUER"])


def _issuer_and_discovery() -> tuple[str, str]:
    configured = current_app.config["OIDC_ISSUER"].rstrip("/")
    issuer = configured.removesuffix(WELL_KNOWN)
    return issuer, issuer + WELL_KNOWN


def _client():
    """The Authlib client for the current settings, kept per app so its provider metadata and keys stay cached."""
    config = current_app.config
    settings = (config["OIDC_ISSUER"], config["OIDC_CLIENT_ID"], config["OIDC_CLIENT_SECRET"], config["OIDC_SCOPES"],
                config["OIDC_TIMEOUT_SECONDS"])
    clients = current_app.extensions.setdefault("lms_oidc_clients", {})
    if settings not in clients:
        oauth = OAuth(current_app)
        clients[settings] = oauth.register(
            CLIENT_NAME, client_id=config["OIDC_CLIENT_ID"], client_secret=config["OIDC_CLIENT_SECRET"],
            server_metadata_url=_issuer_and_discovery()[1],
            client_kwargs={"scope": config["OIDC_SCOPES"], "code_challenge_method": "S256",
                           "default_timeout": config["OIDC_TIMEOUT_SECONDS"]},
        )
    return clients[settings]


def _unreachable(error: Exception) -> SignOnFailed:
    return SignOnFailed("The sign-in service did not answer. Try again in a few minutes.",
                        f"provider unreachable: {error!r}")


def authorization_redirect(redirect_uri: str):
    """Send the browser to the provider, remembering state, nonce and the PKCE verifier in the session."""
    # Only the newest sign-on of a browser can finish: each pending one holds ~0.6 KB of the session cookie, and
    # a cookie past 4 KB would be dropped by the browser.
    for key in [key for key in session if key.startswith(f"_state_{CLIENT_NAME}_")]:
        session.pop(key)
    try:
        return _client().authorize_redirect(redirect_uri)
    except (requests.RequestException, ValueError, RuntimeError) as error:
        raise _unreachable(error) from error


def verified_claims() -> dict:
    """Exchange the code the provider sent back for tokens and return the ID token's claims, once checked."""
    issuer = _issuer_and_discovery()[0]
    client_id = current_app.config["OIDC_CLIENT_ID"]
    options = {"iss": {"essential": True, "value": issuer}, "aud": {"essential": True, "value": client_id},
               "exp": {"essential": True}, "sub": {"essential": True}}
    try:
        token = _client().authorize_access_token(claims_options=options,
                                                 leeway=current_app.config["OIDC_CLOCK_SKEW_SECONDS"])
    except OAuthError as error:
        if error.error == "access_denied":
            raise SignOnFailed("Signing in was cancelled at the sign-in service, so you are not signed in.",
                               f"provider said access_denied: {error.description}") from error
        if error.error == "mismatching_state":
            raise SignOnFailed("That sign-in had expired or was not started from this browser. Start again.",
                               "state missing or not ours") from error
        raise SignOnFailed("The sign-in service refused to sign you in. Try again, and if it keeps happening "
                           "tell the service desk.", f"provider error {error.error}: {error.description}") from error
    except JoseError as error:
        raise SignOnFailed("The sign-in service's answer could not be trusted, so you are not signed in. "
                           "Try again in a minute; if it keeps happening, tell the service desk.",
                           f"ID token refused: {error!r}") from error
    except (requests.RequestException, ValueError, RuntimeError) as error:
        raise _unreachable(error) from error
    claims = token.get("userinfo")
    if not claims:
        raise SignOnFailed("The sign-in service did not say who you are. Tell the service desk.",
                           "no ID token in the token response")
    return dict(claims)


def logout_url(post_logout_redirect_uri: str) -> str | None:
    """Where to send the browser to sign out at the provider too, or None when it has no end-session endpoint."""
    try:
        if not _client().load_server_metadata().get("end_session_endpoint"):
            return None
        return _client().create_logout_url(post_logout_redirect_uri=post_logout_redirect_uri,
                                           client_id=current_app.config["OIDC_CLIENT_ID"])["url"]
    except (requests.RequestException, ValueError, RuntimeError) as error:
        log.warning("no sign-out at the provider: %r", error)
        return None
