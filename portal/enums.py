"""Enum columns stored as their lower-case values, the same text on every database."""

import enum

from sqlalchemy import Enum


def enum_column_type(enum_class: type[enum.Enum]) -> Enum:
    return Enum(
        enum_class,
        native_enum=False,
        length=max(len(member.value) for member in enum_class) + 8,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
