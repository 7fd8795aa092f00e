from bookings.links import link_token, link_token_id


def test_a_token_names_its_request():
    assert link_token_id(link_token("sch_abc")) == "sch_abc"


def test_an_altered_or_foreign_token_names_nothing(settings):
    token = link_token("sch_abc")
    assert link_token_id(token.replace("sch_abc", "sch_abd")) is None
    assert link_token_id("sch_abc") is None
    settings.SECRET_KEY = "another key entirely"
    assert link_token_id(token) is None


def test_links_survive_a_secret_key_rotation(settings):
    token = link_token("sch_abc")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the new key"
    assert link_token_id(token) == "sch_abc"
