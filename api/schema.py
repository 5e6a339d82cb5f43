"""What drf-spectacular cannot read from the code: the OpenAPI schema says what the
API does (issue 16, finding 16; bench/schema_check.py checks it with schemathesis)."""

from drf_spectacular.extensions import OpenApiSerializerExtension

# The years of web.dates' FIRST_DATE to LAST_DATE, 1900 to 9998, that the filters take.
# Any text without a NUL character.
NO_NUL = r"^[^\x00]*$"
FILTER_YEARS = r"^(19[0-9]{2}|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])-"


class DocumentSerializerExtension(OpenApiSerializerExtension):
    """A document names its contact by number or by e-mail address, exactly one."""

    target_class = "api.serializers.DocumentSerializer"

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        if direction == "request":
            # Both given, or neither, is the serializer's non_field_errors 400.
            schema["oneOf"] = [
                {"required": ["contact"]},
                {"required": ["contact_email"]},
            ]
        return schema


def query_parameters(result, generator, request, public):
    """Mark every query parameter `allowEmptyValue`: django-filter reads `date_to=`
    as no filter, DRF `page=` as the first page, and Pagination `page_size=` as 25,
    as the list pages' forms send them. A date filter takes the years web.dates
    allows (`date_from=0002-03-02` is a 400); a text filter takes no NUL character."""
    for path in result["paths"].values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "query":
                    continue
                parameter["allowEmptyValue"] = True
                if parameter["schema"].get("format") == "date":
                    parameter["schema"]["pattern"] = FILTER_YEARS
                elif (
                    parameter["schema"].get("type") == "string"
                    and "enum" not in parameter["schema"]
                    and "pattern" not in parameter["schema"]
                ):
                    # Django's form fields refuse a NUL character (a 400).
                    parameter["schema"]["pattern"] = NO_NUL
    return result


def text_without_nul(result, generator, request, public):
    """Every free text field of a body takes no NUL character: DRF's CharField
    refuses one (a 400), so the schema says so."""
    for component in result.get("components", {}).get("schemas", {}).values():
        for field in component.get("properties", {}).values():
            if field.get("type") == "string" and not (
                {"enum", "format", "pattern"} & field.keys()
            ):
                field["pattern"] = NO_NUL
    return result
