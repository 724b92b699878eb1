"""Accounts, their API tokens and their browser sessions, managed by administrators."""

from __future__ import annotations

from flask_smorest import Blueprint

from drafting import services
from drafting.api.auth import BEARER_SECURITY, current_principal, requires
from drafting.api.documents import PROBLEMS
from drafting.api.schemas import (
    AccountChangeSchema,
    AccountSchema,
    NewTokenSchema,
    PasswordSchema,
    ProblemSchema,
    RevokedSchema,
    SessionsEndedSchema,
    TokenInfoSchema,
    TokenRequestSchema,
    UserCreateSchema,
)
from drafting.http.context import database
from drafting.http.security import session_key

blp = Blueprint("users", __name__, url_prefix="/api/users", description="Accounts (administrators only)")


@blp.route("", methods=["GET"])
@blp.response(200, AccountSchema(many=True))
@blp.doc(summary="List accounts", security=BEARER_SECURITY, responses=PROBLEMS)
@requires("admin")
def list_users():
    return services.list_users(database())


@blp.route("", methods=["POST"])
@blp.arguments(UserCreateSchema)
@blp.response(201, AccountSchema)
@blp.doc(summary="Create an account", security=BEARER_SECURITY, responses=PROBLEMS)
@requires("admin")
def create_user(body):
    services.create_user(database(), body["name"], body["role"], body.get("password"),
                         actor=current_principal().name)
    return services.get_account(database(), body["name"])


@blp.route("/<string:name>", methods=["PATCH"])
@blp.arguments(AccountChangeSchema)
@blp.response(200, AccountSchema)
@blp.doc(summary="Change an account's role, or disable or enable it", security=BEARER_SECURITY,
         description="A new role ends every other browser session of the account; disabling ends all of them and "
                     "refuses its tokens until it is enabled again.", responses=PROBLEMS)
@requires("admin")
def change_account(body, name: str):
    actor = current_principal().name
    if "role" in body:
        services.set_role(database(), name, body["role"], actor=actor, sparing_session=session_key())
    if "disabled" in body:
        services.set_disabled(database(), name, body["disabled"], actor=actor)
    return services.get_account(database(), name)


@blp.route("/<string:name>/password", methods=["PUT"])
@blp.arguments(PasswordSchema)
@blp.response(204)
@blp.doc(summary="Set an account's password for browser sign-in", security=BEARER_SECURITY,
         description="Every other browser session of the account ends.", responses=PROBLEMS)
@requires("admin")
def set_password(body, name: str):
    services.set_password(database(), name, body["password"], actor=current_principal().name,
                          sparing_session=session_key())


@blp.route("/<string:name>/sessions", methods=["DELETE"])
@blp.response(200, SessionsEndedSchema)
@blp.doc(summary="End every browser session of an account", security=BEARER_SECURITY,
         description="The session making this request, if it is one of them, stays open.", responses=PROBLEMS)
@requires("admin")
def end_sessions(name: str):
    return {"ended": services.end_sessions(database(), name, actor=current_principal().name,
                                           sparing_session=session_key())}


@blp.route("/<string:name>/tokens", methods=["GET"])
@blp.response(200, TokenInfoSchema(many=True))
@blp.doc(summary="List an account's API tokens (never their secrets)", security=BEARER_SECURITY,
         responses=PROBLEMS)
@requires("admin")
def list_tokens(name: str):
    return services.list_tokens(database(), name)


@blp.route("/<string:name>/tokens", methods=["POST"])
@blp.arguments(TokenRequestSchema)
@blp.response(201, NewTokenSchema)
@blp.doc(summary="Issue an API token for an account (shown once)", security=BEARER_SECURITY,
         responses={**PROBLEMS, 429: {"description": "too many tokens issued from this address; Retry-After says "
                                                     "when to try again",
                                      "content": {"application/problem+json": {"schema": ProblemSchema}}}})
@requires("admin")
def issue_token(body, name: str):
    token = services.issue_token(database(), name, body.get("label", ""), actor=current_principal().name)
    return {"name": name, "token": token}


@blp.route("/<string:name>/tokens", methods=["DELETE"])
@blp.response(200, RevokedSchema)
@blp.doc(summary="Revoke every API token of an account", security=BEARER_SECURITY, responses=PROBLEMS)
@requires("admin")
def revoke_tokens(name: str):
    return {"revoked": services.revoke_token(database(), name, actor=current_principal().name)}


@blp.route("/<string:name>/tokens/<int:token_id>", methods=["DELETE"])
@blp.response(200, RevokedSchema)
@blp.doc(summary="Revoke one API token of an account", security=BEARER_SECURITY, responses=PROBLEMS)
@requires("admin")
def revoke_token(name: str, token_id: int):
    return {"revoked": services.revoke_token(database(), name, token_id, actor=current_principal().name)}
