"""The options of an import (document type, jurisdiction, title, number, date, message), as the API's query or form
fields and the browser's import form give them; both edges check them with this one schema."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from drafting.http.validators import JURISDICTION


class ImportQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    type = fields.String(validate=validate.OneOf(["bill", "ordinance"]),
                         metadata={"description": "guessed from the text when absent"})
    jurisdiction = fields.String(load_default="us", validate=[JURISDICTION, validate.Length(max=64)])
    title = fields.String(validate=validate.Length(min=1, max=300))
    number = fields.String(validate=validate.Length(min=1, max=100))
    date = fields.String(validate=validate.Regexp(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))
    message = fields.String(validate=validate.Length(max=1000))
