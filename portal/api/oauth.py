"""Authlib's authorization server (client credentials) and resource protector."""

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6750 import BearerTokenValidator

from portal.clock import now
from portal.integrations.models import AUTH_METHODS
from portal.integrations.operations import REFERRALS_WRITE, find_client, find_token, save_token


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = list(AUTH_METHODS)


class TokenValidator(BearerTokenValidator):
    def authenticate_token(self, token_string):
        return find_token(token_string)


def _save_token(token, request):
    save_token(token, request.client, now())


authorization = AuthorizationServer()
require_oauth = ResourceProtector()
require_oauth.register_token_validator(TokenValidator())


def init_app(app) -> None:
    app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {"client_credentials": app.config["API_TOKEN_SECONDS"]}
    app.config["OAUTH2_SCOPES_SUPPORTED"] = [REFERRALS_WRITE]
    authorization.init_app(app, query_client=find_client, save_token=_save_token)
    authorization.register_grant(ClientCredentialsGrant)
