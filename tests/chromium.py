"""The one module of helpers for the browser tests: Debian's headless Chromium driven by Selenium, the
session's embedded server as the site it opens, and what every browser test checks (the console).

Test modules import the fixtures by name (``from chromium import browser, site``) and the helpers.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service as DriverService
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

from live_servers import Processes, Service

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1000",
)
WAIT = 30

#: Every browser test module sets ``pytestmark = NEEDS_CHROMIUM``.
NEEDS_CHROMIUM = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="needs Debian's chromium and chromium-driver (`make system-deps`)",
)


@pytest.fixture(scope="module")
def site(processes: Processes) -> Service:
    """One backend is enough for a browser: the pages are the same on both (the HTTP tests cover both)."""
    return processes.services["embedded"]


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    profile = tempfile.mkdtemp(prefix="ctlkg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(service=DriverService(str(CHROMEDRIVER)), options=options)
    except WebDriverException as exc:  # a browser that cannot start is a broken machine, said plainly
        shutil.rmtree(profile, ignore_errors=True)
        pytest.fail(f"cannot start headless Chromium: {exc.msg}")
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def console_errors(driver: webdriver.Chrome) -> list[str]:
    entries: list[dict[str, str]] = driver.get_log("browser")  # type: ignore[no-untyped-call]
    return [entry["message"] for entry in entries if entry["level"] == "SEVERE"]


def wait(driver: webdriver.Chrome) -> WebDriverWait[webdriver.Chrome]:
    return WebDriverWait(driver, WAIT)


def open_query_page(driver: webdriver.Chrome, url: str, *, keep_storage: bool = False) -> None:
    """Load /query and wait for its editor; the page's local storage (the last query, the history) is
    emptied first unless ``keep_storage``, so that each test starts from the page's own query."""
    if not keep_storage:
        driver.get(url)
        driver.execute_script("window.localStorage.clear()")
    driver.get(url)
    wait(driver).until(ready.presence_of_element_located((By.CSS_SELECTOR, ".cm-editor .cm-content")))


def type_into_editor(driver: webdriver.Chrome, *keys: str) -> None:
    """Focus the editor (a contenteditable CodeMirror builds) and type."""
    driver.execute_script("document.querySelector('.cm-content').focus()")
    editor = driver.find_element(By.CSS_SELECTOR, ".cm-content")
    for key in keys:
        editor.send_keys(key)
