"""Mail templates render in the language asked, English for any other or none."""

from __future__ import annotations

from grants.mail.templates import render_mail


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

    assert render_mail("review_invitation", None, **context) == (subject, body)
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
