"""Accounts and API tokens, managed by administrators."""

from __future__ import annotations

from flask_smorest import Blueprint

from drafting import services
from drafting.api.auth import BEARER_SECURITY, current_principal, requires
from drafting.api.context import database
from drafting.api.documents import PROBLEMS
from drafting.api.schemas import (
    AccountSchema,
    NewTokenSchema,
    ProblemSchema,
    RoleChangeSchema,
    TokenRequestSchema,
    UserCreateSchema,
)

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
    return _account(body["name"])


@blp.route("/<string:name>", methods=["PATCH"])
@blp.arguments(RoleChangeSchema)
@blp.response(200, AccountSchema)
@blp.doc(summary="Change an account's role", security=BEARER_SECURITY, responses=PROBLEMS)
@requires("admin")
def change_role(body, name: str):
    services.set_role(database(), name, body["role"], actor=current_principal().name)
    return _account(name)


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


def _account(name: str) -> services.Account:
    return next(account for account in services.list_users(database()) if account.name == name)
