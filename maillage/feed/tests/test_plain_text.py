"""Post text shown outside the post (notifications, e-mail, meta descriptions) reads as text."""

import uuid

from maillage.feed.text import plain_text


def test_markdown_marks_are_gone_and_words_stay_apart():
    body = "**Nouveau** poste à _Lyon_ :\n\n- Python\n- Django\n\n[Postuler](https://example.org/job)"
    text = " ".join(plain_text(body).split())
    assert text == "Nouveau poste à Lyon : Python Django Postuler"


def test_mentions_read_as_the_names_written():
    token = f"@[Camille Martin]({uuid.uuid4()})"
    assert plain_text(f"Merci {token} !") == "Merci @Camille Martin !"


def test_markup_is_text_not_html():
    # Raw HTML is not rendered by the markdown subset: it comes back as the characters typed,
    # to be escaped by whatever shows it.
    assert plain_text("a < b & c") == "a < b & c"
    assert plain_text("<script>alert(1)</script>") == "<script>alert(1)</script>"
    assert plain_text("") == "" and plain_text("   ") == ""
