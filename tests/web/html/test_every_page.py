"""Every kind of page in a real browser: no console error (CSP violations included) once its scripts have
run, and no serious or critical accessibility issue found by axe-core (from npm, injected here by the
test: the site never serves it)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver

from chromium import NEEDS_CHROMIUM, console_errors, wait
from chromium import browser as browser
from chromium import site as site
from live_servers import Service

pytestmark = NEEDS_CHROMIUM

AXE = Path(__file__).resolve().parents[3] / "service" / "web" / "node_modules" / "axe-core" / "axe.min.js"
#: What each page is, by path; each is opened in both languages' default (English).
PAGES = {
    "home": "/",
    "query": "/query",
    "network": "/network",
    "matrices": "/matrices",
    "docs": "/docs",
    "dumps": "/dumps",
    "void": "/.well-known/void",
    "list": "/list/Cluster",
    "resource": "/id/cluster/afil",
    "ontology": "/ontology",
    "search": "/search?q=energia",
    "not found": "/no/such/page",
}
AUDITED = ("home", "query", "network", "matrices", "resource", "search")
#: Time for a page's fetches (pictures, Swagger UI, suggestions) to land once the document is complete.
SETTLE = 1.5


def open_page(driver: webdriver.Chrome, url: str) -> None:
    console_errors(driver)  # reading the log empties it: what earlier tests left there is theirs
    driver.get(url)
    wait(driver).until(lambda d: d.execute_script("return document.readyState") == "complete")
    time.sleep(SETTLE)


@pytest.mark.parametrize("name", list(PAGES))
def test_no_console_error(browser: webdriver.Chrome, site: Service, name: str) -> None:
    open_page(browser, site.url + PAGES[name])
    errors = console_errors(browser)
    if name == "not found":  # the document's own status, which the browser logs: the 404 is the point
        errors = [e for e in errors if "status of 404" not in e]
    assert errors == []


def serious_issues(driver: webdriver.Chrome) -> list[dict[str, Any]]:
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    found: dict[str, Any] = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(done, (e) => done({error: String(e)}));"
    )
    assert "error" not in found, found
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in found["violations"] if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.skipif(not AXE.exists(), reason="needs axe-core from npm (make web)")
@pytest.mark.parametrize("name", AUDITED)
def test_no_serious_accessibility_issue(browser: webdriver.Chrome, site: Service, name: str) -> None:
    browser.set_script_timeout(60)
    open_page(browser, site.url + PAGES[name])
    assert serious_issues(browser) == []
