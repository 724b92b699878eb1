"""Validators shared by the API's schemas and the pages' forms: ids and version numbers, storable text, jurisdiction
codes, eIds."""

from __future__ import annotations

from marshmallow import validate

from drafting.store.models import MAX_ID

ID_RANGE = validate.Range(min=1, max=MAX_ID)
# what a database can store: no NUL (PostgreSQL refuses it) and no lone surrogate (no UTF-8 can encode it)
STORABLE = validate.Regexp(r"^[^\x00\ud800-\udfff]*$", error="expected text without NUL characters or lone "
                                                              "surrogates, which no database can store")
JURISDICTION = validate.Regexp(r"^[a-z]{2}(-[a-z0-9]+)*$", error="expected a jurisdiction code such as us-ma")
# an eId is AKN's noWhiteSpace: no spaces, and (being XML) no control characters, surrogates or U+FFFE/U+FFFF
EID = validate.Regexp(r"^[^\s\x00-\x1f\ud800-\udfff\ufffe\uffff]{1,500}$",
                      error="expected an eId such as sec_3__subsec_b: 1 to 500 characters, no spaces or control "
                            "characters")
