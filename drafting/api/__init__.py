"""The HTTP API: blueprints, the OpenAPI document, problem+json errors."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api, Blueprint
from sqlalchemy import text

from drafting.api.schemas import HealthSchema, ProblemSchema
from drafting.http import problems
from drafting.http.bodies import IdConverter, check_json_body, check_text_parameters, id_parameter_schema
from drafting.http.context import database

from .audit import blp as audit_blp
from .documents import blp as documents_blp
from .gaps import blp as gaps_blp
from .merge import blp as merge_blp
from .norms import blp as norms_blp
from .redlines import blp as redlines_blp
from .users import blp as users_blp

health_blp = Blueprint("health", __name__, url_prefix="/api", description="Service health")


@health_blp.route("/health", methods=["GET"])
@health_blp.response(200, HealthSchema)
@health_blp.doc(summary="Is the service up and its database reachable?", security=[])
def health():
    with database().session() as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok", "database": "ok"}


class ProblemApi(Api):
    """flask-smorest's Api, documenting errors as problem details."""

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = None


def init_app(app: Flask) -> Api:
    """Register the API blueprints and generate the OpenAPI document from their schemas."""
    description = "Draft and compare surveillance legislation in Akoma Ntoso 3.0"
    app.url_map.converters["id"] = IdConverter
    api = ProblemApi(app, spec_kwargs={"info": {"description": description}})
    api.register_converter(IdConverter, id_parameter_schema)
    app.before_request(check_text_parameters)
    app.before_request(check_json_body)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    api.register_blueprint(health_blp)
    api.register_blueprint(documents_blp)
    api.register_blueprint(users_blp)
    api.register_blueprint(redlines_blp)
    api.register_blueprint(gaps_blp)
    api.register_blueprint(norms_blp)
    api.register_blueprint(merge_blp)
    api.register_blueprint(audit_blp)
    # flask-smorest registers its own JSON error handler; ours (problem+json) replace it
    problems.init_app(app)
    return api
