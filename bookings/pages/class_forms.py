"""Forms of the class pages and the signed action pages. They check shape only; the seat,
waitlist and action services decide."""

from django import forms

from bookings.pages.forms import TzidFormField

MAX_SEATS_PER_REQUEST = 10


class SeatForm(forms.Form):
    """Taking seats in a class. `tz` (the zone the page was shown in) becomes the customer's."""

    name = forms.CharField(max_length=255)
    email = forms.EmailField(max_length=255)
    seats = forms.IntegerField(min_value=1, max_value=MAX_SEATS_PER_REQUEST, initial=1)
    tz = TzidFormField(required=False)


class WaitlistForm(forms.Form):
    name = forms.CharField(max_length=255)
    email = forms.EmailField(max_length=255)
    tz = TzidFormField(required=False)


class ActionForm(forms.Form):
    """The POST of a signed action page; a decline or cancel may say why."""

    message = forms.CharField(max_length=1000, required=False)
