"""Fixtures of the browser tests: one Chromium per session, a fresh context per test.

The pages are served by pytest-django's `live_server` (a real threaded server on committed
data, so these tests use the transactional database) and driven with Playwright's sync API
through Debian's Chromium (`playwright install` cannot run here). Feedback needs a real Celery
worker on real Redis: use the `worker` fixture, never task_always_eager.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Locator,
    Page,
    ViewportSize,
    expect,
    sync_playwright,
)

from tests.celery_worker import running_worker

# Playwright's sync API runs an event loop in this thread, and Django refuses ORM calls from a
# thread with a running loop; the test itself never awaits anything, so the check is moot here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 375, "height": 812}
TIMEOUT_MS = 10_000
# Grading goes through Redis and a worker thread, then htmx polls once a second.
FEEDBACK_TIMEOUT_MS = 20_000
expect.set_options(timeout=TIMEOUT_MS)
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/screens"))  # noqa: S108 (outside the repo on purpose)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def base_url(live_server, transactional_db) -> str:
    return live_server.url


@pytest.fixture
def new_context(browser: Browser, base_url: str) -> Iterator[Callable[..., BrowserContext]]:
    """Make browser contexts (a private profile each) that are closed after the test."""
    contexts: list[BrowserContext] = []

    def make(**options) -> BrowserContext:
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=base_url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def log_in(context: BrowserContext, user, base_url: str) -> None:
    """Give the context the session cookie of a logged-in `user` (the login page has its test)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )


@pytest.fixture
def learner_page(context: BrowserContext, page: Page, learner, base_url: str) -> Page:
    """A page whose context is logged in as the learner."""
    log_in(context, learner, base_url)
    return page


@pytest.fixture
def worker(transactional_db) -> Iterator[None]:
    """A real Celery worker on the test Redis, grading on the test database."""
    with running_worker():
        yield


# ---- Helpers the browser tests share -------------------------------------------------------

VERDICTS = {
    "Correct": re.compile(r"^\W*Correct\s*$"),
    "Partly correct": re.compile(r"^\W*Partly correct"),
    "Not correct": re.compile(r"^\W*Not correct\s*$"),
}


def expect_verdict(page: Page, verdict: str) -> None:
    """Wait for the graded feedback to be swapped in, check its verdict heading, and that the
    live region announced it."""
    expect(page.locator("#feedback .verdict")).to_have_text(
        VERDICTS[verdict], timeout=FEEDBACK_TIMEOUT_MS
    )
    expect(page.locator("#announcer")).to_have_text(
        re.compile(rf"^{verdict}\b.*Feedback is shown below the question\.$")
    )


def is_focused(page: Page, target: Locator) -> bool:
    return target.evaluate("element => element === document.activeElement")


def tab_to(page: Page, target: Locator, limit: int = 80) -> None:
    """Move the focus to `target` with the Tab key alone, as a keyboard user would."""
    target.wait_for()
    for _ in range(limit):
        if is_focused(page, target):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{limit} presses of Tab never reached {target}.")


def press_on(page: Page, target: Locator, key: str) -> None:
    """Tab to `target`, then press `key` (Enter, Space) on it."""
    tab_to(page, target)
    page.keyboard.press(key)


def reorder_texts(page: Page) -> list[str]:
    texts = page.locator("#answer-form .reorder-item .reorder-text").all_inner_texts()
    return [text.strip() for text in texts]


def order_by_buttons(page: Page, wanted: list[str], *, keyboard: bool) -> None:
    """Put `wanted` at the top of the reorder list, in that order, with the Move up buttons.

    By keyboard: Tab to the item's button, then Enter or Space (the focus stays on the button
    of the moved item, so each press moves it one place further).
    """
    for target, text in enumerate(wanted):
        steps = reorder_texts(page).index(text) - target
        if steps <= 0:
            continue
        up = page.get_by_role("button", name=f"Move “{text}” up")
        if keyboard:
            tab_to(page, up)
            for step in range(steps):
                page.keyboard.press("Enter" if step % 2 == 0 else "Space")
        else:
            for _ in range(steps):
                up.click()
        assert reorder_texts(page)[target] == text
    assert reorder_texts(page)[: len(wanted)] == wanted


def rank_by_buttons(page: Page, wanted: list[str]) -> None:
    """Add `wanted` to the ranking, in that order, with their Add buttons (each joins the end)."""
    for text in wanted:
        page.get_by_role("button", name=re.compile(f"^Add “{re.escape(text)}” to your top")).click()
    assert reorder_texts(page)[: len(wanted)] == wanted
    assert page.locator(".rank-status").inner_text().startswith(f"Your top {len(wanted)}")


# ---- Accessibility and screenshots ---------------------------------------------------------

BLOCKING_IMPACTS = {"serious", "critical"}
# WCAG 2.2 A and AA (axe runs a tagged rule even when it is off by default, e.g. target-size),
# plus axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
VARIANTS: list[tuple[ViewportSize, Literal["light", "dark"]]] = [
    (DESKTOP, "light"),
    (DESKTOP, "dark"),
    (PHONE, "light"),
    (PHONE, "dark"),
]


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


def serious_violations(axe: Axe, page: Page, label: str) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    # Axe.run injects axe-core (half a megabyte) on every call; once per loaded page will do.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe.axe_script)
    results = page.evaluate(
        "(tags) => axe.run({runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        f"{label}: {violation['id']} ({violation['impact']}) {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in results["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def audit_page(axe: Axe, page: Page, name: str, *, phone_axe: bool = False) -> list[str]:
    """Screenshot the loaded page at 1280 and 375 px wide, light and dark, and check it with axe.

    axe runs at 1280 px in both colour schemes (colour contrast differs, layout rules hardly
    do), and at 375 px too with `phone_axe`. Returns the serious or critical violations found;
    the screenshots go to SCREENSHOTS (outside the repository) as `<name>-<width>-<scheme>.png`.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found = []
    for viewport, scheme in VARIANTS:
        page.set_viewport_size(viewport)
        page.emulate_media(color_scheme=scheme)
        # Let colour transitions (the admin's links and buttons fade over 0.15 s) finish, or
        # axe measures a colour half-way between the schemes.
        page.wait_for_timeout(250)
        if viewport is DESKTOP or phone_axe:
            label = f"{name} at {viewport['width']} px, {scheme}"
            found += serious_violations(axe, page, label)
        page.screenshot(
            path=SCREENSHOTS / f"{name}-{viewport['width']}-{scheme}.png",
            full_page=True,
            animations="disabled",
        )
    page.set_viewport_size(DESKTOP)
    page.emulate_media(color_scheme="light")
    return found
