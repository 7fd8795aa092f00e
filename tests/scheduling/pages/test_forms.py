"""Pages show a service's domain error on their form one way: scheduling.pages.forms."""

from django import forms

from scheduling import engine
from scheduling.errors import MemberProblem, MembersRejected, NotFound, ValidationFailed
from scheduling.pages.forms import form_add_errors, form_errors


class BookingForm(forms.Form):
    host = forms.CharField()
    start = forms.CharField()


def bound_form() -> BookingForm:
    form = BookingForm({"host": "acc_a", "start": "09:00"})
    assert form.is_valid()
    return form


def test_each_error_goes_on_the_field_it_names_with_its_code():
    form = bound_form()
    form_add_errors(form, ValidationFailed({"start": [("too_early", "Too early.")]}))
    assert form.errors.as_data()["start"][0].code == "too_early"
    assert form.errors["start"] == ["Too early."]


def test_a_service_field_is_renamed_to_the_forms():
    form = bound_form()
    failed = ValidationFailed.one("sub", "unknown_sub", "Nobody.")
    form_add_errors(form, failed, fields={"sub": "host"})
    assert form.errors["host"] == ["Nobody."]


def test_a_field_the_form_lacks_and_not_found_are_errors_of_the_whole_form():
    form = bound_form()
    form_add_errors(form, ValidationFailed.one("grant", "invalid_grant", "Expired."))
    form_add_errors(form, NotFound("No such page."))
    assert form.non_field_errors() == ["Expired.", "No such page."]
    assert [e.code for e in form.non_field_errors().as_data()] == ["invalid_grant", "not_found"]


def test_a_rejected_member_is_named_by_its_attribute():
    problem = MemberProblem(engine.MemberRequest("acc_x"), "sub", "unknown_sub", "Nobody.")
    [(field, error)] = form_errors(MembersRejected([problem]), fields={"sub": "host"})
    assert (field, error.code, error.message) == ("host", "unknown_sub", "Nobody.")


def test_errors_keep_the_order_the_service_gave():
    failed = ValidationFailed({"b": [("x", "1"), ("y", "2")], "a": [("z", "3")]})
    assert [(f, e.code) for f, e in form_errors(failed)] == [("b", "x"), ("b", "y"), ("a", "z")]
