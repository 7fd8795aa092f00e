"""Forms of the OAuth consent page. They check shape only; the services decide validity."""

from django import forms


class AuthorizationRequestForm(forms.Form):
    """The query of GET /oauth/authorize (provider_name and avoid_linking are ignored)."""

    client_id = forms.CharField(max_length=64)
    # Not stripped: the redirect URI must match a registered one exactly, and state is echoed.
    redirect_uri = forms.CharField(max_length=2000, strip=False)
    response_type = forms.CharField(max_length=32, required=False)
    scope = forms.CharField(max_length=500, required=False)
    state = forms.CharField(max_length=2000, required=False, strip=False)


class ConsentForm(AuthorizationRequestForm):
    """The consent POST: the same request, carried in hidden fields and checked again, plus
    the person's decision."""

    decision = forms.ChoiceField(choices=[("allow", "Allow"), ("deny", "Deny")])
