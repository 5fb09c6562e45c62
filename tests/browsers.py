"""The real browser: Debian Chromium driven by Playwright, one per test module (each test gets
its own context), and what tests do with it as people do."""

from helpers import DEMO_PASSWORD
from helpers import USERS
from pathlib import Path
from playwright.sync_api import sync_playwright

import os
import pytest


CHROMIUM = os.environ.get("VNARCHIVE_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(os.environ.get("VNARCHIVE_SCREENSHOTS", "/tmp/vnarchive-screenshots"))


# One per test module, not per run: Playwright's sync API keeps an asyncio loop running in
# the main thread while it is open, and pyHanko (signatures) calls asyncio.run().
@pytest.fixture(scope="module")
def browser():
    # A missing browser fails the run: install Debian's chromium (make system does).
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 1280, "height": 1000}
    )
    page = context.new_page()
    # Script errors of the page, for tests that check a page's own JavaScript ran cleanly.
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def log_in(page, holdings, role):
    site = holdings["UBQT"].absolute_url().rsplit("/", 1)[0]
    page.goto(site + "/login")
    page.fill("#__ac_name", USERS[role])
    page.fill("#__ac_password", DEMO_PASSWORD)
    page.click("#buttons-login")
    page.wait_for_load_state()
