"""The API's only body parser (multipart is added on upload views alone)."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            # json.load recurses once per nesting level: "[" * 5000 would exhaust the stack.
            raise ParseError("JSON parse error - nested too deeply.") from exc
