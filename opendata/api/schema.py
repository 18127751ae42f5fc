"""What drf-spectacular cannot read from the code (the shape of a text in six
languages), and the schema generated once per language and kept."""

from django.utils.translation import get_language, gettext
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response

from .rows import languages


def language_text_schema() -> dict:
    return {
        "type": "object",
        "properties": {
            "text": {"type": "string"},
            "english_fallback": {
                "type": "boolean",
                "description": gettext(
                    "True where the official text in this language is missing and the "
                    "English original stands in for it."
                ),
            },
        },
        "required": ["text", "english_fallback"],
        "additionalProperties": False,
    }


class InLanguagesFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "opendata.api.serializers.InLanguagesField"

    def map_serializer_field(self, auto_schema, direction):
        codes = languages()
        return {
            "type": "object",
            "properties": {code: language_text_schema() for code in codes},
            "required": codes,
            "additionalProperties": False,
        }


def error_descriptions() -> dict[int, str]:
    return {
        400: gettext("A parameter it cannot read: each named, with what is wrong with it."),
        403: gettext("No key, or a key that is not valid, revoked or expired."),
        404: gettext("No such object, file or page."),
        429: gettext("Too many requests from this address: ask again after Retry-After seconds."),
    }


ERROR_BODIES = {
    # {"year": ["Enter a number."]}
    400: {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    **{
        code: {
            "type": "object",
            "properties": {"detail": {"type": "string"}},
            "required": ["detail"],
        }
        for code in (403, 404, 429)
    },
}


class ApiAutoSchema(AutoSchema):
    """Each operation's answers with the errors its view may give (`error_responses`):
    what a client meets, and what the property tests hold the API to."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        descriptions = error_descriptions()
        for code in getattr(self.view, "error_responses", ()):
            responses.setdefault(
                str(code),
                {
                    "description": descriptions[code],
                    "content": {"application/json": {"schema": ERROR_BODIES[code]}},
                },
            )
        return responses


# The schema is the code's, not the data's: generated once per language (some tenths
# of a second) and kept while the process lives.
_SCHEMAS: dict[str, dict] = {}


def api_schema(generator_class, **kwargs) -> dict:
    """The schema in the active language. Made with no request: it is the same for every
    request (its paths are relative)."""
    language = get_language()
    schema = _SCHEMAS.get(language)
    if schema is None:
        generator = generator_class(**kwargs)
        schema = _SCHEMAS[language] = generator.get_schema(request=None, public=True)
    return schema


@extend_schema(exclude=True)
class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema, in YAML or, asked with ?format=json or Accept:
    application/vnd.oai.openapi+json, JSON."""

    def get(self, request, *args, **kwargs):
        # `lang`: only one of the site's languages (drf-spectacular would activate any).
        if request.GET.get("lang") not in (None, *languages()):
            return Response({"lang": [f"One of {', '.join(languages())}."]}, status=400)
        return super().get(request, *args, **kwargs)

    def _get_schema_response(self, request):
        schema = api_schema(self.generator_class, urlconf=self.urlconf, patterns=self.patterns)
        return Response(schema)
