"""Mail templates render in the language asked, English for any other; a recipient without a
saved language is written to in their country's."""

from __future__ import annotations

from grants.mail.templates import locale_for, render_mail


def test_a_mail_without_deadline_says_so_and_an_unknown_locale_is_english() -> None:
    context = {
        "reviewer_name": "Aiko",
        "reference": "JV-2026-0001",
        "call_code": "JV-2026",
        "title": "Chiplets",
        "abstract": "We study chiplets.",
        "deadline": None,
        "link": "http://127.0.0.1:8000/api/assignments/1/transitions",
    }

    subject, body = render_mail("review_invitation", "fr", **context)

    assert subject == "Invitation to review JV-2026-0001 (JV-2026)"
    assert body == (
        "Dear Aiko,\n\n"
        "You are invited to review proposal JV-2026-0001 in the call JV-2026:\n"
        "Chiplets\n\n"
        "We study chiplets.\n\n"
        "Review deadline: to be announced.\n"
        "Please accept or decline (declare any conflict of interest): "
        "http://127.0.0.1:8000/api/assignments/1/transitions\n"
    )


def test_someone_without_an_account_is_written_to_in_their_countrys_language() -> None:
    assert [
        locale_for("vi", "JP"),
        locale_for(None, "JP"),
        locale_for(None, "VN"),
        locale_for(None, "BE"),
        locale_for(None, None),
    ] == ["vi", "ja", "vi", "en", "en"]
