"""The web interface in each of its languages, without a browser: the sign-in page follows
Accept-Language, the switcher keeps the user's choice, the dashboard and a case page carry no
English left over, a refusal is shown in the user's language and the API adds its code."""

from __future__ import annotations

import asyncio
import html
import re
from datetime import date, timedelta
from functools import cache

import httpx
import pytest
from babel.messages.catalog import Message
from fastapi import FastAPI

from core import i18n
from core.messages import extract, read
from tests.conftest import DATABASES
from tests.tokens import bearer
from tests.ui.conftest import Browser, csrf_of
from tests.ui.new_case import open_case

# One database: the pages' queries run on both in test_sign_in_and_case_pages.py and
# test_list_and_report_pages.py; this is about their words.
pytestmark = pytest.mark.parametrize("database_url", DATABASES[:1], indirect=True)

LANGUAGES = [code for code in i18n.LANGUAGES if code != "en"]
# Words that stay the same in a translation (codes, formats) are not leftovers.
SAME = re.compile(r"^[A-Z0-9 ,./()-]+$")


def visible_text(page: str) -> str:
    """What a reader sees: no tags, scripts or attribute values; texts typed by people
    (the reasons given with a timeline's entries, who took them, note texts), the
    signed-in user's name and texts quoted in English on purpose (marked ``lang="en"``: the
    indicators' official definitions and sources) are left out. The timeline's summaries
    are read: the workflow's sentences are shown translated (api/web/sentences.py)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    page = re.sub(r'<(td|span) lang="en">.*?</\1>', " ", page, flags=re.DOTALL)
    page = re.sub(r'<span class="(by|reason)">.*?</span>', " ", page, flags=re.DOTALL)
    page = re.sub(r'<span data-testid="signed-in">.*?</span>', " ", page, flags=re.DOTALL)
    page = re.sub(r'<select id="caseworker".*?</select>', " ", page, flags=re.DOTALL)  # names
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@cache
def _messages() -> tuple[Message, ...]:
    return tuple(extract())


@cache
def _looked_for(language: str) -> tuple[re.Pattern[str], ...]:
    """The English messages a page in ``language`` must not show (extracted once)."""
    catalog = read(language)
    out = []
    for m in _messages():
        if not m.id or isinstance(m.id, tuple):
            continue
        translated = catalog.get(m.id)
        if translated is None or translated.string == m.id or SAME.match(m.id):
            continue
        # A message with parameters is looked for by its longest literal part.
        literal = max(re.split(r"%\(\w+\)s", m.id), key=len).strip(" :.,()")
        if len(literal) < 4 or (len(literal) < 8 and " " not in literal and literal.islower()):
            continue  # too short to tell a word of the interface from a word of the data
        out.append(re.compile(rf"(?<![\w-]){re.escape(literal)}(?![\w-])"))
    return tuple(out)


def english_left(text: str, language: str) -> list[str]:
    """The interface's English messages found in a page that should be in ``language``."""
    found = []
    for pattern in _looked_for(language):
        hit = pattern.search(text)
        if hit:  # with what surrounds it, to find where it comes from
            around = " ".join(text[max(0, hit.start() - 40):hit.end() + 40].split())
            found.append(f"{hit.group()!r} in …{around}…")
    return found


async def choose(client: httpx.AsyncClient, language: str, back: str) -> httpx.Response:
    page = await client.get(back)
    r = await client.post("/ui/language", data={
        "language": language, "next": back, "csrf_token": csrf_of(page.text),
    })
    assert r.status_code == 303 and r.headers["location"] == back
    return await client.get(back)


async def test_each_language_from_sign_in_to_a_refused_decision(
    browser: Browser, web_app: FastAPI
) -> None:
    anon = await browser(None)
    r = await anon.get("/ui/login", headers={"Accept-Language": "lv-LV,lv;q=0.9,en;q=0.5"})
    assert '<html lang="lv">' in r.text and "<h1>Pieteikties</h1>" in r.text
    assert english_left(visible_text(r.text), "lv") == []
    r = await anon.get("/ui/login", headers={"Accept-Language": "ru"})
    assert "<h1>Вход</h1>" in r.text

    cw = await browser("caseworker")
    url = await open_case(cw)
    for language in LANGUAGES:
        dashboard = await choose(cw, language, "/ui")
        assert f'<html lang="{language}">' in dashboard.text
        assert english_left(visible_text(dashboard.text), language) == [], language
        case = await cw.get(url)
        assert f'<html lang="{language}">' in case.text
        assert english_left(visible_text(case.text), language) == [], language
        for other in ("/ui/cases", "/ui/cases/new", "/ui/departures", "/ui/break-glass"):
            r = await cw.get(other)
            assert r.status_code == 200, other
            left = english_left(visible_text(r.text), language)
            assert not left, "\n".join([language, other, *left])

    # Other roles' pages: reports, a fund's portfolio, outreach and stuck cases
    # (supervisor), the partner's cases.
    for username, pages in (("supervisor", ("/ui/reports", "/ui/reports/portfolio",
                                            "/ui/outreach", "/ui/supervision/stuck")),
                            ("partner", ("/ui/partner",))):
        someone = await browser(username)
        for language in LANGUAGES:
            await choose(someone, language, pages[0])
            for other in pages:
                r = await someone.get(other)
                assert r.status_code == 200, other
                left = english_left(visible_text(r.text), language)
                assert not left, "\n".join([language, other, *left])

    # A decision the workflow refuses: the reason in Latvian, from the refusal's code.
    page = await choose(cw, "lv", url)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    r = await cw.post(f"{url}/actions/counselling", data={
        "csrf_token": csrf_of(page.text), "held_on": tomorrow, "place": "Rīga",
        "language": "ka", "offer": "",
    })
    assert r.status_code == 409
    assert "Atteikts: konsultāciju nevar reģistrēt ar datumu nākotnē" in r.text
    assert english_left(visible_text(r.text), "lv") == []
    # A form with bad input: pydantic's message under the field, in Latvian.
    r = await cw.post(f"{url}/actions/counselling", data={
        "csrf_token": csrf_of(page.text), "held_on": "2026-13-01", "place": "Rīga",
        "language": "ka", "offer": "",
    })
    assert r.status_code == 422, r.text
    assert 'id="held_on-error" role="alert">ievadiet derīgu datumu<' in r.text
    assert english_left(visible_text(r.text), "lv") == []
    # A refusal an activity decides (the partner does not serve the destination): its code
    # and parameters travel through the workflow's refusal to the page.
    r = await cw.post(f"{url}/actions/partner", data={
        "csrf_token": csrf_of(page.text), "partner_id": "NOPE", "region": "",
    })
    assert r.status_code == 409, r.text
    assert "partneris NOPE nav aktīvs partneris, kas apkalpo" in r.text
    assert english_left(visible_text(r.text), "lv") == []


    # The JSON API keeps its English detail and adds the code; a user sets their language.
    case_id = url.rsplit("/", 1)[-1]
    api = httpx.AsyncClient(transport=httpx.ASGITransport(app=web_app),
                            base_url="http://homeward.test")
    async with api:
        r = await api.post(f"/cases/{case_id}/counselling-sessions", headers=bearer("caseworker"), json={
            "held_on": tomorrow, "place": "Riga", "language": "ka"})
        assert r.status_code == 409, r.text
        assert r.json() == {"detail": "a counselling session cannot be in the future",
                            "code": "counselling_in_future"}
        r = await api.put("/users/me/language", headers=bearer("caseworker"),
                          json={"language": "et"})
        assert r.status_code == 200 and r.json()["language"] == "et"
        r = await api.put("/users/me/language", headers=bearer("caseworker"),
                          json={"language": "de"})
        assert r.status_code == 422  # only the interface's languages
        r = await api.get(f"/cases/{case_id}x", headers=bearer("caseworker"))
        assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert "<h1>Töölaud</h1>" in (await cw.get("/ui")).text

    # The workflow's sentences on the case page: its timeline (a counselling session, the
    # intake completed, a stage reached) and what it waits for, in each language.
    page = await choose(cw, "lv", url)
    r = await cw.post(f"{url}/actions/counselling", data={
        "csrf_token": csrf_of(page.text), "held_on": date.today().isoformat(),
        "place": "Rīga", "language": "ka", "offer": "",
    })
    assert r.status_code in (200, 303), r.text
    r = await cw.post(f"{url}/actions/complete-intake", data={"csrf_token": csrf_of(page.text)})
    assert r.status_code in (200, 303), r.text
    for _ in range(100):  # the timeline is written by the case's projection
        case = await cw.get(url)
        if "posms: atbilstība" in case.text:
            break
        await asyncio.sleep(0.05)
    assert "uzņemšana pabeigta" in case.text and "konsultācija notika" in case.text
    assert 'data-testid="awaiting">atbilstības novērtējumu' in case.text
    for language in LANGUAGES:
        case = await choose(cw, language, url)
        left = english_left(visible_text(case.text), language)
        assert not left, "\n".join([language, *left])
