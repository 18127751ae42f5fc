"""The API's documentation page, rendered on the server from its OpenAPI schema.

Not Swagger UI or Redoc, though drf-spectacular-sidecar would serve either without a
CDN: both run a large script bundle that builds the page in the browser (Redoc writes
inline styles, which the site's CSP refuses), and both speak English only. A page
rendered here is in the visitor's language, right to left in Arabic, readable without
JavaScript, in the site's layout and accessibility, and the schema it is made from is
the one served at /api/v1/schema/, generated in the same language.
"""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_safe
from drf_spectacular.settings import spectacular_settings

from .links import Links
from .schema import api_schema

METHODS = ("get", "head", "options")


def _type(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"[{_type(schema.get('items', {}))}]"
    return schema.get("type", "")


def endpoints(schema: dict, origin: str) -> list[dict]:
    """Each operation of `schema`, as the page lists it."""
    found = []
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            parameters = [
                {
                    "name": parameter["name"],
                    "where": parameter["in"],
                    "required": parameter.get("required", False),
                    "type": _type(parameter.get("schema", {})),
                    "enum": parameter.get("schema", {}).get("enum", []),
                    "description": parameter.get("description", ""),
                }
                for parameter in operation.get("parameters", [])
            ]
            secured = any(requirement for requirement in operation.get("security", []))
            example = path
            for parameter in parameters:
                if parameter["where"] == "path":
                    example = example.replace("{" + parameter["name"] + "}", "…")
            found.append(
                {
                    "id": operation.get("operationId", ""),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": parameters,
                    "responses": sorted(operation.get("responses", {})),
                    "secured": secured,
                    "curl": (
                        f"curl -H 'Authorization: Api-Key …' '{origin}{example}'"
                        if secured
                        else f"curl '{origin}{example}'"
                    ),
                }
            )
    return found


@require_safe
@login_not_required
def api_docs(request):
    schema = api_schema(spectacular_settings.DEFAULT_GENERATOR_CLASS, urlconf=None, patterns=None)
    return render(
        request,
        "opendata/api_docs.html",
        {
            "endpoints": endpoints(schema, Links(request).origin),
            "title": schema.get("info", {}).get("title", ""),
            "version": schema.get("info", {}).get("version", ""),
        },
    )
