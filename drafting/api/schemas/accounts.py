"""User accounts, passwords, browser sessions and API tokens."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from drafting.http.validators import STORABLE


class AccountSchema(Schema):
    name = fields.String()
    role = fields.String()
    created_at = fields.DateTime()
    has_password = fields.Boolean()
    tokens = fields.Integer(metadata={"description": "number of API tokens not revoked"})
    disabled = fields.Boolean(metadata={"description": "a disabled account cannot sign in and its tokens are refused"})


class UserCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9._@-]{1,80}$"))
    role = fields.String(required=True, validate=validate.OneOf(["viewer", "drafter", "admin"]))
    password = fields.String(load_only=True, validate=validate.Length(min=8, max=200))


class AccountChangeSchema(Schema):
    role = fields.String(validate=validate.OneOf(["viewer", "drafter", "admin"]),
                         metadata={"description": "a new role; every other session of the account ends"})
    disabled = fields.Boolean(metadata={"description": "true: no sign-in, every session ended, every token refused; "
                                                       "false: enabled again (tokens not revoked work again)"})

    @validates_schema
    def _something_to_change(self, data, **kwargs):
        if not data:
            raise ValidationError("expected a role or disabled, found neither")


class PasswordSchema(Schema):
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=8, max=200),
                             metadata={"description": "the new password; every other session of the account ends"})


class TokenInfoSchema(Schema):
    id = fields.Integer()
    label = fields.String()
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class RevokedSchema(Schema):
    revoked = fields.Integer(metadata={"description": "how many tokens were active and are now revoked"})


class SessionsEndedSchema(Schema):
    ended = fields.Integer(metadata={"description": "how many open browser sessions were ended"})


class TokenRequestSchema(Schema):
    label = fields.String(validate=[validate.Length(max=200), STORABLE])


class NewTokenSchema(Schema):
    name = fields.String()
    token = fields.String(metadata={"description": "shown once; only its hash is stored"})
