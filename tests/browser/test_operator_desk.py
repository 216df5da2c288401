"""The operator desk (connectors/desk.py, its page at /webhooks/desk/) and a resident's web chat page, each in a
browser context of its own, against the real assistant: a request for a human goes to the desk, the operator takes
it, answers and closes it, and the bot is silent meanwhile.

The desk's Content-Security-Policy forbids evaluating strings in the page, so no `wait_for_function`: locators and
`expect` wait instead.
"""

import re
from typing import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESK_PATH, RESULTS, bot_texts, replies_after, say

OPERATOR = "Анна"
HANDOFF_PHRASE = "позовите оператора"  # a human_handoff example of the core's NLU (domain/data/nlu/core.yml)
HANDOFF_NUMBER = re.compile(r"номер обращения — (\d+)")
TAKEN = f"Оператор {OPERATOR} подключился к разговору."  # utter_desk_taken (domain/domain.yml)
CLOSED = "Оператор завершил разговор. Я снова на связи — чем помочь?"  # utter_desk_closed
HOSTILE = '<img src=x onerror="window.__pwned=1">'
SILENCE_MS = 5000
DESK_SECONDS = 20  # the desk polls every 4 s
DESK_SCREENSHOT = RESULTS / "desk.png"
RESIDENT_SCREENSHOT = RESULTS / "desk-resident.png"

pytestmark = pytest.mark.slow


def ask_for_operator(chat: Page) -> int:
    """The resident asks for a human; returns the request's number the bot gives."""
    answer = " ".join(say(chat, HANDOFF_PHRASE))
    found = HANDOFF_NUMBER.search(answer)
    assert found, f"no request number in the answer to {HANDOFF_PHRASE!r}: {answer!r}"
    return int(found.group(1))


def desk_login(open_page: Callable[[str], Page], assistant_url: str, token: str) -> Page:
    desk = open_page(assistant_url + DESK_PATH)
    expect(desk.locator("#login")).to_be_visible()
    desk.fill("#operator-input", OPERATOR)
    desk.fill("#token-input", token)
    desk.click("#login-button")
    expect(desk.locator("#desk")).to_be_visible()
    expect(desk.locator("#login-error")).to_have_text("")
    expect(desk.locator("#operator-name")).to_have_text(OPERATOR)
    return desk


def queue_item(desk: Page, number: int):
    return desk.locator(f'#queue .queue-item[data-request-id="{number}"]')


def take(desk: Page, number: int) -> None:
    item = queue_item(desk, number)
    item.click()
    expect(desk.locator("#request-title")).to_have_text(f"Обращение № {number}")
    expect(desk.locator("#take-button")).to_be_enabled()
    desk.click("#take-button")
    expect(item).to_have_attribute("data-status", "taken", timeout=DESK_SECONDS * 1000)
    expect(desk.locator("#reply-button")).to_be_enabled()
    expect(desk.locator("#request-error")).to_have_text("")


def write_unanswered(chat: Page, text: str) -> None:
    """The resident writes `text` while an operator holds the conversation: the bot must not answer."""
    before = len(bot_texts(chat))
    chat.fill("#chat-input", text)
    chat.press("#chat-input", "Enter")
    expect(chat.locator(".chat__message--user").last).to_have_text(f"Вы: {text}")
    chat.wait_for_timeout(SILENCE_MS)
    assert bot_texts(chat)[before:] == [], "the bot answered while the operator held the conversation"


def test_an_operator_takes_answers_and_closes_a_request(page, open_page, assistant_url, operator_token):
    chat = page
    greeting = say(chat, "привет")
    assert any("Городской помощник" in text for text in greeting), greeting
    number = ask_for_operator(chat)

    desk = desk_login(open_page, assistant_url, operator_token)
    item = queue_item(desk, number)
    expect(item).to_be_visible(timeout=DESK_SECONDS * 1000)
    expect(item).to_have_attribute("data-status", "open")
    expect(item.locator(".preview")).to_have_text(HANDOFF_PHRASE)
    item.click()
    expect(desk.locator("#transcript")).to_contain_text(HANDOFF_PHRASE)
    expect(desk.locator("#transcript")).to_contain_text("привет")

    before = len(bot_texts(chat))
    take(desk, number)
    assert replies_after(chat, before) == [TAKEN]

    write_unanswered(chat, "у меня течёт кран")
    expect(desk.locator("#messages")).to_contain_text("у меня течёт кран", timeout=DESK_SECONDS * 1000)

    reply = "Здравствуйте! Перекройте, пожалуйста, вентиль под раковиной, мастер придёт сегодня."
    before = len(bot_texts(chat))
    desk.fill("#reply-text", reply)
    desk.click("#reply-button")
    assert replies_after(chat, before) == [reply]
    expect(desk.locator("#request-error")).to_have_text("")  # delivered, not merely saved
    expect(desk.locator("#reply-text")).to_have_value("")
    expect(desk.locator("#messages .message.operator")).to_contain_text(reply)
    RESULTS.mkdir(parents=True, exist_ok=True)
    desk.screenshot(path=str(DESK_SCREENSHOT), full_page=True)

    before = len(bot_texts(chat))
    desk.click("#close-button")
    assert replies_after(chat, before) == [CLOSED]
    expect(item).to_have_count(0, timeout=DESK_SECONDS * 1000)  # closed requests leave the queue
    expect(desk.locator("#no-request")).to_be_visible()

    greeting = say(chat, "привет")
    assert any("Городской помощник" in text for text in greeting), greeting
    chat.screenshot(path=str(RESIDENT_SCREENSHOT), full_page=True)


def test_a_hostile_message_is_text_at_the_desk(page, open_page, assistant_url, operator_token):
    chat = page
    say(chat, HOSTILE)  # into the transcript the request keeps, whatever the bot answers to it
    number = ask_for_operator(chat)

    desk = desk_login(open_page, assistant_url, operator_token)
    expect(queue_item(desk, number)).to_be_visible(timeout=DESK_SECONDS * 1000)
    take(desk, number)
    expect(desk.locator("#transcript .text").get_by_text(HOSTILE, exact=True)).to_be_visible()

    write_unanswered(chat, HOSTILE)  # now into the live conversation
    expect(desk.locator("#messages .message.resident .text").get_by_text(HOSTILE, exact=True)).to_be_visible(
        timeout=DESK_SECONDS * 1000
    )

    desk.wait_for_timeout(500)
    assert desk.evaluate("typeof window.__pwned") == "undefined"
    assert desk.locator("#desk img, #desk script").count() == 0

    before = len(bot_texts(chat))
    desk.click("#close-button")
    assert replies_after(chat, before) == [CLOSED]
