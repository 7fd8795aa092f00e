"""Forms of the signed-in person's connections page (/sync/connect/). They check shape only;
the connect services check the URL and the credentials with the server."""

from django import forms

from calendars_sync.services.connect import TEXT_MAX, URL_MAX


class CalDAVConnectForm(forms.Form):
    server_url = forms.CharField(label="Server URL", max_length=URL_MAX)
    username = forms.CharField(label="User name", max_length=TEXT_MAX)
    # Not stripped: a password is used exactly as typed.
    password = forms.CharField(
        label="App password", max_length=TEXT_MAX, strip=False, widget=forms.PasswordInput
    )


class IcsConnectForm(forms.Form):
    url = forms.CharField(label="Feed URL", max_length=URL_MAX)
