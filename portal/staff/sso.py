"""Optional single sign-on with Microsoft Entra ID (OpenID Connect, Authlib client).

Only people who already have an active account sign in this way: the e-mail
in the ID token is matched to an account; nobody is created here.
"""

from portal.accounts.models import Account
from portal.accounts.operations import find_by_email
from portal.extensions import oauth_client

METADATA_URL = "https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration"


def sso_configured(config) -> bool:
    return all(
        config.get(key) for key in ("ENTRA_TENANT_ID", "ENTRA_CLIENT_ID", "ENTRA_CLIENT_SECRET")
    )


def init_app(app) -> None:
    oauth_client.init_app(app)
    if sso_configured(app.config):
        oauth_client.register(
            "entra",
            client_id=app.config["ENTRA_CLIENT_ID"],
            client_secret=app.config["ENTRA_CLIENT_SECRET"],
            server_metadata_url=METADATA_URL.format(tenant=app.config["ENTRA_TENANT_ID"]),
            client_kwargs={"scope": "openid email profile"},
        )


def account_for_claims(claims: dict) -> Account | None:
    """The active account whose e-mail the identity provider vouches for."""
    email = claims.get("email") or claims.get("preferred_username") or ""
    account = find_by_email(email) if "@" in email else None
    return account if account is not None and account.active else None
