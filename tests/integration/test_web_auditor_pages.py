"""The auditors' pages over HTTP on both backends: the audit log browser (filters, keyset pages,
field diffs), one event, the checkpoint with its signatures and inclusion proofs verified, the
export page (datasets, the checked download link, the audit pack and its job) — exact texts in
English and Japanese, and the refusals: officers never read the log's content, bad filters are
named next to their fields, a job is 404 to anyone but its requester, auditors and admins."""

from __future__ import annotations

import re

import httpx
import pytest
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit import log
from grants.auditpack import jobs
from grants.common.actors import SYSTEM
from grants.db.models import User
from grants.settings import Settings
from grants.web import audit_log
from tests.factories import PASSWORD, make_user
from tests.factories_auditpack import PackWorld, make_pack_world
from tests.factories_tlog import Witness, append_events, make_witness
from tests.integration.test_web_reviewer_pages import text_of
from transparency import cosign, parse_note

Client = httpx.AsyncClient
HTML = {"accept": "text/html"}


async def _sign_in(client: Client, user: User) -> str:
    response = await client.post(
        "/api/auth/login", json={"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["csrf_token"])


def _headings(html: str) -> list[str]:
    return [
        " ".join(re.sub(r"<[^>]+>", " ", h).split()) for h in re.findall(r"<h3>(.*?)</h3>", html)
    ]


# The log browser ---------------------------------------------------------------------------------


async def test_log_lists_events_newest_first_with_their_field_diffs(
    client: Client, db: AsyncSession
) -> None:
    auditor = await make_user(db, "auditor", email="auditor@example.org")
    await append_events(db, 3)
    await _sign_in(client, auditor)

    page = await client.get("/audit", headers=HTML)

    assert page.status_code == 200
    assert _headings(page.text) == [
        "Event 3 · test.event",
        "Event 2 · test.event",
        "Event 1 · test.event",
    ]
    event = text_of(page.text, "event-3")
    assert event.startswith("Event 3 · test.event ")
    assert event.endswith(
        "by system · thing 2 Fields of event 3 Field Before After n 2 3 Inclusion proof of event 3"
    )


async def test_log_filters_by_action_and_entity_and_walks_pages_by_keyset(
    client: Client, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_log, "PAGE_SIZE", 2)
    monkeypatch.setattr(audit_log.page_of, "__defaults__", (2,))
    auditor = await make_user(db, "auditor", email="auditor@example.org")
    await append_events(db, 5, action="test.walk")
    await _sign_in(client, auditor)

    first = await client.get("/audit?action=test.walk", headers=HTML)
    older = re.search(r'rel="next" href="([^"]+)"', first.text)
    assert older is not None
    second = await client.get(older.group(1).replace("&amp;", "&"), headers=HTML)
    newer = re.search(r'rel="prev" href="([^"]+)"', second.text)
    assert newer is not None
    back = await client.get(newer.group(1).replace("&amp;", "&"), headers=HTML)
    one = await client.get("/audit?entity_type=thing&entity_id=2", headers=HTML)

    seqs = [re.findall(r'id="event-(\d+)"', p.text) for p in (first, second, back, one)]
    first_seq = int(seqs[0][0])
    assert seqs[0] == [str(first_seq), str(first_seq - 1)]
    assert seqs[1] == [str(first_seq - 2), str(first_seq - 3)]
    assert seqs[2] == seqs[0]
    assert seqs[3] == [str(first_seq - 2)]
    assert older.group(1) == f"/audit?action=test.walk&amp;before={first_seq - 1}"


@pytest.mark.parametrize(
    ("lang", "date_error", "order_error"),
    [
        ("en", "Give a date as YYYY-MM-DD.", "The last day cannot be before the first day."),
        (
            "ja",
            "日付はYYYY-MM-DDの形で入力してください。",
            "最終日を初日より前にすることはできません。",
        ),
    ],
)
async def test_log_names_a_bad_filter_next_to_its_field_in(
    client: Client, db: AsyncSession, lang: str, date_error: str, order_error: str
) -> None:
    auditor = await make_user(db, "auditor", email="auditor@example.org")
    await _sign_in(client, auditor)

    bad_date = await client.get(f"/audit?since=2026-13-01&lang={lang}", headers=HTML)
    reversed_days = await client.get(
        f"/audit?since=2026-05-02&until=2026-05-01&lang={lang}", headers=HTML
    )

    assert bad_date.status_code == 422
    assert text_of(bad_date.text, "since-error") == date_error
    assert 'id="since" name="since" type="date" value="2026-13-01"' in bad_date.text
    assert reversed_days.status_code == 422
    assert text_of(reversed_days.text, "until-error") == order_error


async def test_log_filters_by_actor_email_and_by_days(client: Client, db: AsyncSession) -> None:
    auditor = await make_user(db, "auditor", email="auditor@example.org")
    await append_events(db, 2)
    await _sign_in(client, auditor)

    by_system = await client.get("/audit?actor=system&action=test.event", headers=HTML)
    by_auditor = await client.get("/audit?actor=AUDITOR@example.org", headers=HTML)
    long_ago = await client.get("/audit?until=2000-01-01", headers=HTML)

    assert len(re.findall(r'id="event-\d+"', by_system.text)) == 2
    assert re.findall(r'id="event-\d+"', by_auditor.text) == []
    assert text_of(long_ago.text, "events") == "Events No event matches these filters."


async def test_log_and_events_are_refused_to_officers_and_researchers(
    client: Client, db: AsyncSession
) -> None:
    witness = await make_witness(db, "JST")
    officer = await make_user(db, "officer", agency=witness.agency, email="o@jst.example")
    await append_events(db, 1)
    await _sign_in(client, officer)

    listed = await client.get("/audit?lang=ja", headers=HTML)
    event = await client.get("/audit/events/1", headers=HTML)

    assert (listed.status_code, event.status_code) == (403, 403)
    assert "auditor" in text_of(listed.text, "content")
    assert "This needs the role auditor or admin." in event.text


async def test_event_page_shows_the_event_in_full_and_404_for_an_unknown_one(
    client: Client, db: AsyncSession
) -> None:
    auditor = await make_user(db, "auditor", email="auditor@example.org")
    await append_events(db, 2)
    await _sign_in(client, auditor)
    seq = int(re.findall(r'id="event-(\d+)"', (await client.get("/audit", headers=HTML)).text)[0])

    page = await client.get(f"/audit/events/{seq}?lang=ja", headers=HTML)
    missing = await client.get("/audit/events/999999?lang=en", headers=HTML)

    assert page.status_code == 200
    assert text_of(page.text, "changes") == f"項目 イベント{seq}の項目 項目 変更前 変更後 n 1 2"
    assert "<dd><code>test.event</code></dd>" in page.text
    assert missing.status_code == 404
    assert "There is no audit event 999999." in missing.text


# The checkpoint and proofs -----------------------------------------------------------------------


async def _cosigned_checkpoint(db: AsyncSession, settings: Settings, witness: Witness) -> int:
    """Sign the log as it stands and have `witness`'s agency register its key and cosign."""
    await log.register_witness_key(db, SYSTEM, witness.agency.id, str(witness.key.verifier()))
    row, _ = await log.sign_current(db, settings)
    line = cosign(parse_note(row.note), witness.key, 1_796_000_000).line()
    signature, key = await log.witness_of(db, line)
    await log.add_cosignature(db, SYSTEM, row.size, signature, key)
    return row.size


async def test_checkpoint_shows_each_signature_verified_with_its_key(
    client: Client, db: AsyncSession, settings: Settings
) -> None:
    jst = await make_witness(db, "JST")
    await make_witness(db, "NAFOSTED")
    auditor = await make_user(db, "auditor", email="auditor@example.org")
    await append_events(db, 4)
    size = await _cosigned_checkpoint(db, settings, jst)
    await _sign_in(client, auditor)

    page = await client.get("/audit/checkpoint", headers=HTML)

    assert page.status_code == 200
    log_vkey = str(log.log_key.verifier(settings))
    assert text_of(page.text, "signature-log") == f"The log {log_vkey} ✓ signature verified"
    assert text_of(page.text, "signature-JST") == (
        f"JST's witness {jst.key.verifier()} ✓ cosignature verified "
        "cosigned Nov 30, 2026, 12:53:20 AM (UTC)"
    )
    assert text_of(page.text, "signature-NAFOSTED") == (
        "NAFOSTED's witness no witness key registered not cosigned yet"
    )
    assert f"<dt>Events in the tree</dt><dd>{size}</dd>" in page.text


async def test_an_inclusion_proof_is_verified_step_by_step_for_an_officer_without_the_leaf(
    client: Client, db: AsyncSession, settings: Settings
) -> None:
    jst = await make_witness(db, "JST")
    officer = await make_user(db, "officer", agency=jst.agency, email="o@jst.example")
    await append_events(db, 6)
    size = await _cosigned_checkpoint(db, settings, jst)
    await _sign_in(client, officer)

    page = await client.get("/audit/checkpoint?seq=3&lang=ja", headers=HTML)
    fragment = await client.get("/audit/proofs/3?lang=en", headers={**HTML, "hx-request": "true"})

    assert page.status_code == 200
    verdict = f"✓ チェックポイント{size}で検証済み: イベント3はログが署名したツリーの葉2です。"
    assert verdict in page.text
    assert "data-leaf=" not in page.text  # officers see hashes, never an event's content
    assert fragment.text.count("<tr data-step") == len((await log.inclusion(db, 3, size)).hashes)
    assert "✓ Verified against checkpoint" in fragment.text
    assert "<html" not in fragment.text


async def test_a_proof_of_an_event_after_the_checkpoint_or_unknown_says_why(
    client: Client, db: AsyncSession, settings: Settings
) -> None:
    jst = await make_witness(db, "JST")
    auditor = await make_user(db, "auditor", email="auditor@example.org")
    await append_events(db, 2)
    size = await _cosigned_checkpoint(db, settings, jst)
    await append_events(db, 1)
    await _sign_in(client, auditor)

    later = await client.get(f"/audit/proofs/{size + 2}", headers={**HTML, "hx-request": "1"})
    unknown = await client.get("/audit/checkpoint?seq=99999", headers=HTML)
    not_a_number = await client.get("/audit/checkpoint?seq=three", headers=HTML)

    assert later.text.strip() == (
        '<p class="verdict bad" role="alert">'
        f"Event {size + 2} is not in the latest checkpoint ({size} events): it is proved once "
        "the log signs a larger one.</p>"
    )
    assert "There is no audit event 99999." in unknown.text
    assert not_a_number.status_code == 422
    assert text_of(not_a_number.text, "seq-error") == "Give a whole number from 1."


async def test_checkpoint_before_the_first_says_so_and_researchers_are_refused(
    client: Client, db: AsyncSession
) -> None:
    auditor = await make_user(db, "auditor", email="auditor@example.org")
    await _sign_in(client, auditor)
    page = await client.get("/audit/checkpoint", headers=HTML)
    researcher = await make_user(db, "researcher", email="pi@example.org")
    await _sign_in(client, researcher)
    refused = await client.get("/audit/checkpoint", headers=HTML)

    assert "<p>The log has signed no checkpoint yet.</p>" in page.text
    assert refused.status_code == 403
    assert "Checkpoints and proofs are for auditors, officers and admins." in refused.text


# Exports and the audit pack ----------------------------------------------------------------------


@pytest.fixture
async def world(db: AsyncSession, app: Litestar) -> PackWorld:
    return await make_pack_world(db, app.state["document_store"])


async def test_export_page_lists_an_officers_datasets_without_the_audit_log(
    client: Client, world: PackWorld
) -> None:
    await _sign_in(client, world.people["jst"])

    page = await client.get("/audit/exports", headers=HTML)

    assert page.status_code == 200
    names = re.findall(r'<tr id="dataset-(\w+)">', page.text)
    assert len(names) == 20
    assert "audit_events" not in names
    assert 'href="/api/exports/calls.csv" data-export-link' in page.text


async def test_export_link_is_checked_as_the_export_checks_it(
    client: Client, world: PackWorld
) -> None:
    await _sign_in(client, world.people["auditor"])

    good = await client.get(
        "/audit/exports?dataset=proposals&format=jsonl&call=JV-2026&since=2026-01-01",
        headers=HTML,
    )
    bad = await client.get("/audit/exports?dataset=calls&format=csv&agency=NOPE", headers=HTML)

    assert good.status_code == 200
    assert 'href="/api/exports/proposals.jsonl?call=JV-2026&amp;since=2026-01-01"' in good.text
    assert bad.status_code == 422
    assert text_of(bad.text, "agency-error") == "There is no agency with the code NOPE."


async def test_an_auditor_requests_a_pack_and_follows_its_job_to_the_download(
    client: Client, world: PackWorld
) -> None:
    csrf = await _sign_in(client, world.people["auditor"])

    posted = await client.post("/audit/exports/pack", data={"csrf": csrf, "call": "JV-2026"})
    await jobs.drain()
    job_url = posted.headers["location"]
    full = await client.get(job_url, headers=HTML)
    polled = await client.get(job_url, headers={**HTML, "hx-request": "true"})

    assert posted.status_code == 302
    assert job_url.startswith("/audit/exports/jobs/")
    job_id = job_url.rsplit("/", 1)[1]
    assert 'data-job-state="done"' in polled.text
    assert "hx-trigger" not in polled.text  # done: the polling stops
    assert f'href="/api/exports/jobs/{job_id}/download"' in polled.text
    assert "The audit pack is being built; this page follows it." in full.text
    assert '<progress id="job-progress" class="job" max="' in full.text


async def test_a_pack_is_refused_without_a_call_for_an_officer_and_a_job_is_404_to_others(
    client: Client, world: PackWorld
) -> None:
    csrf = await _sign_in(client, world.people["jst"])
    refused = await client.post("/audit/exports/pack?lang=ja", data={"csrf": csrf, "call": ""})
    forged = await client.post("/audit/exports/pack", data={"csrf": "forged", "call": "JV-2026"})
    posted = await client.post("/audit/exports/pack", data={"csrf": csrf, "call": "JV-2026"})
    await jobs.drain()
    await _sign_in(client, world.people["fwo"])
    hidden = await client.get(posted.headers["location"], params={"lang": "en"}, headers=HTML)

    assert refused.status_code == 403
    assert 'class="field-error" role="alert"' in refused.text
    assert forged.status_code == 403
    assert hidden.status_code == 404
    assert "No such export job." in hidden.text
