"""The web chat page in a real browser (Debian's chromium, driven by Playwright) against the real assistant.

The assistant, the browser and the helpers are shared with the other browser tests: tests/browser/conftest.py.
"""

import json
import math
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import REPLY_SECONDS, RESULTS, bot_texts, replies_after, say

SCREENSHOT = RESULTS / "webchat.png"
ROUNDTRIP = RESULTS / "roundtrip.json"
HOSTILE = '<script>window.__pwned=1</script> и <img src=x onerror="window.__pwned=2">'
# Short messages of the core's intents (greet, help, thank, bot_challenge, goodbye): one turn each, no form.
SHORT_MESSAGES = [
    "привет",
    "что ты умеешь",
    "спасибо",
    "ты бот?",
    "добрый день",
    "помощь",
    "благодарю",
    "ты человек?",
    "здравствуйте",
    "пока",
]

pytestmark = pytest.mark.slow


def test_a_conversation_with_buttons_survives_a_reload(page):
    assert page.evaluate("document.characterSet") == "UTF-8"
    greeting = say(page, "привет")
    assert any("Городской помощник" in text for text in greeting), greeting
    expect(page.locator(".chat__message--user").last).to_have_text("Вы: привет")

    balance = " ".join(say(page, "покажи остаток по счёту"))
    assert "лицевой счёт" in balance, balance
    offered = page.locator(".chat__message--bot").count() - 1  # an index: `.last` would move on with the log
    link = (
        page.locator(".chat__message--bot").nth(offered).get_by_role("button", name="Привязать лицевой счёт")
    )
    expect(link).to_be_enabled()

    before = len(bot_texts(page))
    link.click()
    asked = " ".join(replies_after(page, before))
    assert "номер лицевого счёта" in asked, asked
    expect(page.locator(".chat__message--user").last).to_have_text("Вы: Привязать лицевой счёт")
    expect(link).to_be_disabled()  # the payload went out once; old choices cannot be sent again

    token = page.evaluate("localStorage.getItem('webchat.session')")
    transcript = page.locator("#chat-log").inner_text()
    page.reload()
    expect(page.locator("#chat-input")).to_be_enabled(timeout=30_000)
    assert page.evaluate("localStorage.getItem('webchat.session')") == token
    assert page.locator("#chat-log").inner_text() == transcript
    expect(page.get_by_role("button", name="Привязать лицевой счёт")).to_be_disabled()

    # The form asked for the account number before the reload: the server kept the same conversation. This new
    # resident has confirmed no phone, so the number is met with the request to confirm one first.
    verify = " ".join(say(page, "1002003004"))
    assert "сначала подтвердите свой номер телефона" in verify, verify

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_a_notification_reaches_the_open_page(page, assistant_url, api_token):
    """What the notifier does: Rasa's HTTP API says a response into the conversation's latest output channel."""
    say(page, "привет")
    token = page.evaluate("localStorage.getItem('webchat.session')")
    # ":" stays as it is: Rasa 3.6 (Sanic 21.12) does not decode %3A in the conversation id of a path.
    conversation = urllib.parse.quote("webchat:" + token.rpartition(".")[0], safe=":")
    query = urllib.parse.urlencode({"output_channel": "latest", "token": api_token})
    request = urllib.request.Request(
        f"{assistant_url}/conversations/{conversation}/execute?{query}",
        data=json.dumps({"name": "utter_goodbye"}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    before = len(bot_texts(page))
    with urllib.request.urlopen(request, timeout=REPLY_SECONDS) as reply:
        assert reply.status == 200
    said = replies_after(page, before)
    assert any("До свидания" in text for text in said), said


def test_a_forged_token_starts_a_new_conversation(page):
    page.evaluate(
        "localStorage.setItem('webchat.session', '0123456789abcdef0123456789abcdef.forged');"
        "localStorage.setItem('webchat.transcript', JSON.stringify([{from: 'bot', text: 'чужая переписка'}]))"
    )
    page.reload()
    expect(page.locator("#chat-input")).to_be_enabled(timeout=30_000)
    token = page.evaluate("localStorage.getItem('webchat.session')")
    assert token and not token.startswith("0123456789abcdef0123456789abcdef.")
    expect(page.locator("#chat-log")).not_to_contain_text("чужая переписка")


def test_hostile_text_is_shown_as_text_and_never_runs(page):
    page.evaluate(
        """hostile => window.cityChat.showBotMessage({
            text: hostile + ' Готово ✅ 🎉',
            buttons: [{title: hostile, payload: '/greet'}],
            attachment: {type: 'image', payload: {src: 'javascript:window.__pwned=3'}},
        })""",
        HOSTILE,
    )
    page.evaluate(
        "hostile => window.cityChat.showBotMessage({image: 'https://example.org/map.png'})", HOSTILE
    )
    say(page, HOSTILE)  # the resident's own message, and whatever the bot answers to it

    page.wait_for_timeout(500)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("#chat-log img, #chat-log script").count() == 0
    expect(
        page.locator(".chat__message--bot .chat__text").get_by_text(HOSTILE + " Готово ✅ 🎉")
    ).to_be_visible()
    expect(page.locator(".chat__message--user .chat__text").get_by_text(HOSTILE)).to_be_visible()
    expect(page.get_by_role("button", name=HOSTILE)).to_be_visible()
    links = page.locator("#chat-log a").evaluate_all("links => links.map(link => link.href)")
    assert links == ["https://example.org/map.png"]


def polling_status(assistant_url: str, origin: str) -> int:
    request = urllib.request.Request(
        f"{assistant_url}/socket.io/?EIO=4&transport=polling", headers={"Origin": origin}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_socket_takes_same_origin_pages_only(assistant_url):
    """A page of another site cannot open chat sessions through a resident's browser."""
    assert polling_status(assistant_url, assistant_url) == 200
    assert polling_status(assistant_url, "http://evil.example") == 400


# Installed in the page: the moment Enter goes down in the input, and the moment each bot message is added to
# the log, on the page's own clock (performance.now()).
CLOCK = """() => {
    const clock = {enter: [], bot: []};
    window.__roundtrip = clock;
    document.getElementById("chat-input").addEventListener("keydown", (event) => {
        if (event.key === "Enter") clock.enter.push(performance.now());
    }, true);
    new MutationObserver((changes) => {
        for (const change of changes) {
            for (const node of change.addedNodes) {
                if (node.classList && node.classList.contains("chat__message--bot")) clock.bot.push(performance.now());
            }
        }
    }).observe(document.getElementById("chat-log"), {childList: true});
}"""


def percentile(values, share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def test_round_trip_from_enter_to_the_first_answer(page):
    """Measured, not judged: milliseconds from pressing Enter to the bot's first message on the page."""
    page.evaluate(CLOCK)
    shown_before = page.locator(".chat__message--bot").count()  # not seen by the clock
    samples = []
    for text in SHORT_MESSAGES:
        before = page.locator(".chat__message--bot").count()
        page.fill("#chat-input", text)
        page.press("#chat-input", "Enter")
        answered = replies_after(page, before)  # the whole turn, so the next message starts in quiet
        assert answered, f"no answer to {text!r}"
        clock = page.evaluate("window.__roundtrip")
        assert len(clock["enter"]) == len(samples) + 1, clock
        samples.append(
            {
                "message": text,
                "ms": round(clock["bot"][before - shown_before] - clock["enter"][-1], 1),
                "answer": answered[0],
            }
        )
    milliseconds = [sample["ms"] for sample in samples]
    summary = {
        "messages": len(samples),
        "median_ms": round(statistics.median(milliseconds), 1),
        "p95_ms": round(percentile(milliseconds, 0.95), 1),
        "min_ms": min(milliseconds),
        "max_ms": max(milliseconds),
        "measured": "keydown Enter in #chat-input → first .chat__message--bot added to #chat-log (page clock)",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "samples": samples,
    }
    print(
        f"\nweb round-trip over {len(samples)} messages: median {summary['median_ms']} ms, "
        f"p95 {summary['p95_ms']} ms (min {summary['min_ms']}, max {summary['max_ms']})"
    )
    for sample in samples:
        print(f"  {sample['ms']:8.1f} ms  {sample['message']}")
    ROUNDTRIP.parent.mkdir(parents=True, exist_ok=True)
    ROUNDTRIP.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
