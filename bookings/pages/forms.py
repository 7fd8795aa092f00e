"""Forms of the booking pages. They check shape only; the selectors and services decide whether
a time is offered and can be booked."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from scheduling.engine.limits import MAX_SEQUENCE_STEPS
from scheduling.timeformat import TimeFormatError, parse_time
from scheduling.timezones import is_valid_tzid


class TzidFormField(forms.CharField):
    def __init__(self, **kwargs) -> None:
        super().__init__(max_length=64, **kwargs)

    def validate(self, value: str) -> None:
        super().validate(value)
        if value and not is_valid_tzid(value):
            raise ValidationError("Unknown time zone.", code="invalid")


class ZoneForm(forms.Form):
    """?tz= on any booking page: the zone to show times in."""

    tz = TzidFormField(required=False)


class StartsField(forms.Field):
    """The picked option: one Time per step (`start` repeated), as the picker's links give it."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> tuple[dt.datetime, ...]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        if not 1 <= len(values) <= MAX_SEQUENCE_STEPS:
            raise ValidationError("Pick one of the times offered.", code="invalid")
        try:
            return tuple(parse_time(item) for item in values)
        except TimeFormatError as exc:
            raise ValidationError("Pick one of the times offered.", code="invalid") from exc


class PickForm(forms.Form):
    """GET /rts/{token}/confirm (the picked option) and its POST (confirming it). Its `tz` is
    read by ZoneForm: an unknown zone is ignored, not a bad pick."""

    start = StartsField()
