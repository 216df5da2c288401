"""What the browser tests share: one assistant for the whole test session, Debian's chromium driven by Playwright,
pages that must not throw, and the helpers that talk on the web chat page.

Needs /usr/bin/chromium (`make test` installs it) and the chat page's npm packages (`make install`, which runs
`npm ci --prefix connectors/webchat_page`); never `playwright install`. Without them the tests fail, not skip.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import Callable, Iterator, List

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from engine.settings import PROJECT_ROOT
from engine.testing_servers import API_TOKEN, OPERATOR_TOKEN, free_port, running_assistant

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SOCKET_CLIENT = PROJECT_ROOT / "connectors" / "webchat_page" / "node_modules" / "socket.io-client" / "dist"
RESULTS = PROJECT_ROOT / "results" / "browser"
REPLY_SECONDS = 60
PAGE_READY_MS = 30_000
# An assistant already running there (e.g. `make run`'s http://127.0.0.1:5005) instead of one started here;
# its tokens then come from $RASA_API_TOKEN and $OPERATOR_TOKEN.
BASE_URL_ENV = "WEBCHAT_BASE_URL"
CHAT_PATH = "/webhooks/webchat/"
DESK_PATH = "/webhooks/desk/"


@pytest.fixture(scope="session", autouse=True)
def browser_installed() -> None:
    """Fails (never skips) every browser test when the browser or the chat page's client is not installed."""
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(
            f"{CHROMIUM} is missing: install Debian's chromium (`make test` does: apt-get install chromium)"
        )
    if not SOCKET_CLIENT.is_dir():
        missing.append(
            f"{SOCKET_CLIENT.relative_to(PROJECT_ROOT)} is missing: run `make install` "
            "(it runs `npm ci --prefix connectors/webchat_page`)"
        )
    if missing:
        pytest.fail("the browser tests cannot run:\n  " + "\n  ".join(missing), pytrace=False)


@pytest.fixture(scope="session")
def assistant_url(request, tmp_path_factory) -> Iterator[str]:
    """The base URL (no trailing slash) of the assistant the browser tests talk to: one started for the whole test
    session with a fresh SQLite database, or the one already running at $WEBCHAT_BASE_URL."""
    running = os.environ.get(BASE_URL_ENV, "").rstrip("/")
    if running:
        yield running
        return
    request.getfixturevalue("trained_model")
    folder = tmp_path_factory.mktemp("browser")
    port, action_port = free_port(), free_port()
    while action_port == port:
        action_port = free_port()
    env = {
        "DATABASE_URL": f"sqlite:///{folder / 'assistant.db'}",
        "ASSISTANT_SECRET_KEY": secrets.token_hex(32),  # not the developer's var/secret_key
    }
    started = time.monotonic()
    with running_assistant(port, action_port, env):
        print(f"\nstart-up to ready: {time.monotonic() - started:.1f} s (database in {folder})")
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def api_token() -> str:
    """The token of Rasa's HTTP API of the assistant under test."""
    return os.environ.get("RASA_API_TOKEN", "") if os.environ.get(BASE_URL_ENV) else API_TOKEN


@pytest.fixture(scope="session")
def operator_token() -> str:
    """The token operators log in to the desk with."""
    return os.environ.get("OPERATOR_TOKEN", "") if os.environ.get(BASE_URL_ENV) else OPERATOR_TOKEN


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One browser per test file: Playwright's sync API runs an event loop in this thread while it is open, and
    every later test that calls asyncio.run() would fail if it stayed open for the whole session."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def open_page(browser) -> Iterator[Callable[[str], Page]]:
    """Opens a URL in a context of its own (its own storage: another person at another computer). Every page
    opened must end the test without an uncaught script error."""
    contexts = []
    errors: List[str] = []

    def opener(url: str) -> Page:
        context = browser.new_context(locale="ru-RU", viewport={"width": 1000, "height": 900})
        contexts.append(context)
        opened = context.new_page()
        opened.on("pageerror", lambda error: errors.append(f"{opened.url}: {error}"))
        opened.goto(url)
        return opened

    yield opener
    for context in contexts:
        context.close()
    assert errors == [], errors


def open_chat(open_page: Callable[[str], Page], assistant_url: str) -> Page:
    """A resident's web chat page, connected and ready to type in."""
    chat = open_page(assistant_url + CHAT_PATH)
    expect(chat.locator("#chat-input")).to_be_enabled(timeout=PAGE_READY_MS)
    return chat


@pytest.fixture
def page(open_page, assistant_url) -> Page:
    """The web chat page of a new resident."""
    return open_chat(open_page, assistant_url)


def bot_texts(page: Page) -> List[str]:
    return page.locator(".chat__message--bot .chat__text").all_text_contents()


def say(page: Page, text: str) -> List[str]:
    """Types `text`, presses Enter, and returns what the bot said back (its messages until a second of quiet)."""
    before = len(bot_texts(page))
    page.fill("#chat-input", text)
    page.press("#chat-input", "Enter")
    return replies_after(page, before)


def replies_after(page: Page, before: int) -> List[str]:
    """The bot's messages after the first `before` ones: waits for the first, then for a second of quiet."""
    # (no wait_for_function: the pages' Content-Security-Policy forbids evaluating strings)
    page.locator(".chat__message--bot").nth(before).wait_for(timeout=REPLY_SECONDS * 1000)
    count = -1
    while count != len(bot_texts(page)):  # Rasa sends a turn's messages one by one
        count = len(bot_texts(page))
        page.wait_for_timeout(1000)
    return bot_texts(page)[before:]
