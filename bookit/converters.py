"""URL ids: ASCII digits that fit a 64-bit column, so a longer number is a 404, not an overflow.

Django's ``int`` converter and ``\\d+`` accept any length (and ``\\d`` any script's digits);
SQLite raises OverflowError past 2**63.
"""

from django.urls import register_converter

ID = r"[0-9]{1,18}"


class IdConverter:
    regex = ID

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(int(value))


register_converter(IdConverter, "id")
