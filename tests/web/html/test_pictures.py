"""The pictures (issue 4): the network of the links between the clusters and the matrices.

Over HTTP on both backends: the pages, their headers and words, the chart bundle built by `make web`.
In headless Chromium on the embedded backend (the drawing is the same on both; the API tests compare
the backends): the network draws the nine clusters, switching the dimension changes the lines, a line's
evidence links to the items' pages, the bipartite view adds the shared items; the matrices draw the 9x9
heat map and mark the gaps of the PNRR and S3 coverage. The browser's console must stay free of errors,
CSP violations included.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

from chromium import NEEDS_CHROMIUM, WAIT, console_errors
from chromium import browser as browser
from chromium import site as site
from ctlkg.synergy.scores import COMBINED, DIMENSIONS
from live_servers import Service

PAGES = ("/network", "/matrices")
#: Each picture page loads one ES module, its own bundle under a content-hashed name.
SCRIPTS = {"/network": r"/static/dist/network-[A-Z0-9]{8}\.js", "/matrices": r"/static/dist/matrices-[A-Z0-9]{8}\.js"}



def html(client: httpx.Client, service: Service, path: str, **params: str) -> httpx.Response:
    return client.get(service.url + path, headers={"Accept": "text/html"}, params=params)


# ---- HTTP, both backends ------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_picture_pages_are_served_with_strict_headers(
    client: httpx.Client, service: Service, path: str
) -> None:
    page = html(client, service, path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    scripts = re.findall(r'<script type="module" src="([^"]+)"></script>', page.text)
    # The page's own module, then the header's search box (on every page).
    assert len(scripts) == 2 and re.fullmatch(SCRIPTS[path], scripts[0]), scripts
    assert re.fullmatch(r"/static/dist/search_box-[A-Z0-9]{8}\.js", scripts[1]), scripts
    assert len(re.findall(r"<script\b", page.text)) == len(scripts), "no inline script"
    assert not re.search(r"\son[a-z]+=", page.text), "no inline event handlers"
    assert not re.search(r"\sstyle=", page.text), "no inline styles"
    assert not re.search(r'(src|href)="https?://[^"]+\.(js|css)"', page.text), "no CDN"


@pytest.mark.parametrize("path", PAGES)
def test_picture_pages_offer_every_dimension_and_their_words(
    client: httpx.Client, service: Service, path: str
) -> None:
    page = html(client, service, path).text
    options = re.findall(r'<option value="([a-z-]+)">', page)
    assert options == [COMBINED, *DIMENSIONS]
    raw = re.search(r'data-words="([^"]*)"', page)
    assert raw is not None
    words = json.loads(html_lib.unescape(raw.group(1)))
    assert {f"dim:{d}" for d in (COMBINED, *DIMENSIONS)} <= set(words)
    assert words["dim:networks"] == "Networks and projects" and words["kind:project"] == "project"


def test_picture_pages_speak_italian(client: httpx.Client, service: Service) -> None:
    network = html(client, service, "/network", lang="it").text
    assert '<html lang="it">' in network and "I legami tra i cluster" in network
    assert "Reti e progetti" in network and "Mostra gli elementi condivisi come nodi" in network
    matrices = html(client, service, "/matrices", lang="it").text
    assert "Copertura del PNRR" in matrices and "non coperto da alcun cluster" in matrices


def test_navigation_and_home_link_to_the_pictures(client: httpx.Client, service: Service) -> None:
    home = html(client, service, "/").text
    nav = home[home.index("<nav") : home.index("</nav>")]
    assert 'href="/network?lang=en"' in nav and 'href="/matrices?lang=en"' in nav
    main = home[home.index("<main") :]
    assert main.count('href="/network?lang=en"') >= 1 and main.count('href="/matrices?lang=en"') >= 1
    network = html(client, service, "/network").text
    assert 'href="/network?lang=en" aria-current="page"' in network


def test_the_chart_bundles_are_served(client: httpx.Client, service: Service) -> None:
    """`make install` runs npm ci and esbuild: each picture page's module bundles the d3 modules it
    imports (with the shared code in chunks it preloads), all from static/dist, never a CDN."""
    for path in PAGES:
        page = html(client, service, path).text
        module = re.search(r'<script type="module" src="([^"]+)"', page)
        assert module is not None, "run `make web` (npm ci + build) to build the page bundles"
        chunks = re.findall(r'<link rel="modulepreload" href="([^"]+)">', page)
        assert chunks, "the chunks the module imports are preloaded"
        code = ""
        for url in (module.group(1), *chunks):
            response = client.get(service.url + url)
            assert response.status_code == 200 and "javascript" in response.headers["content-type"]
            code += response.text
        assert "forceSimulation" in code or "forceLink" in code or len(code) > 20_000
        assert "CtlkgCharts" not in code and "CtlkgPictures" not in code


# ---- In the browser, embedded backend -------------------------------------------------------------


@pytest.fixture(scope="module")
def synergies(site: Service) -> dict[str, Any]:
    listing: dict[str, Any] = httpx.get(site.url + "/api/synergies", timeout=60).json()
    return listing


def until(driver: webdriver.Chrome, condition: Any) -> Any:
    return WebDriverWait(driver, WAIT).until(condition)


def open_network(driver: webdriver.Chrome, site: Service, query: str = "") -> None:
    driver.get(site.url + "/network" + query)
    until(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "svg.network g.node")) == 9)


def pairs_drawn(driver: webdriver.Chrome) -> set[str]:
    return {e.get_attribute("data-pair") or "" for e in driver.find_elements(By.CSS_SELECTOR, "g.edge")}


def expected_pairs(listing: dict[str, Any], dimension: str) -> set[str]:
    def score(pair: dict[str, Any]) -> float:
        return float(pair["score"] if dimension == COMBINED else pair["dimensions"][dimension]["score"])

    return {"--".join(c["slug"] for c in p["clusters"]) for p in listing["synergies"] if score(p) > 0}


def panel_links(driver: webdriver.Chrome) -> dict[str, str]:
    links = driver.find_elements(By.CSS_SELECTOR, "#evidence-body .evidence-list a")
    return {a.text: a.get_attribute("href") or "" for a in links}


def edge(driver: webdriver.Chrome, pair: str) -> WebElement:
    return driver.find_element(By.CSS_SELECTOR, f'g.edge[data-pair="{pair}"] line.hit')


def pointer_at(driver: webdriver.Chrome, element: WebElement, *, click: bool) -> None:
    """Move the pointer to the middle of an element (and click there), as a person would.

    A level line has a box of zero height, which WebDriver calls not interactable; the pointer at the
    box's centre lands on the line's wide transparent stroke, the part that takes the clicks.
    """
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    x, y = driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];",
        element,
    )
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(round(x), round(y))  # type: ignore[no-untyped-call]
    if click:
        actions.pointer_action.click()
    actions.perform()


@NEEDS_CHROMIUM
def test_the_network_draws_the_nine_clusters(
    browser: webdriver.Chrome, site: Service, synergies: dict[str, Any]
) -> None:
    open_network(browser, site)
    nodes = browser.find_elements(By.CSS_SELECTOR, "svg.network g.node")
    slugs = {n.get_attribute("data-cluster") for n in nodes}
    assert slugs == {c["slug"] for p in synergies["synergies"] for c in p["clusters"]}
    assert len(slugs) == 9
    assert pairs_drawn(browser) == expected_pairs(synergies, COMBINED)
    radius = {
        n.get_attribute("data-cluster"): float(n.find_element(By.TAG_NAME, "circle").get_dom_attribute("r") or 0)
        for n in nodes
    }
    assert radius["afil"] > radius["tav"] > radius["agrifood"], "sized by members (144 > 39 > 14)"
    afil = browser.find_element(By.CSS_SELECTOR, 'g.node[data-cluster="afil"] a')
    assert afil.get_dom_attribute("href") == "/id/cluster/afil?lang=en"
    widths = {
        e.get_attribute("data-pair"): float(
            e.find_element(By.CSS_SELECTOR, "line.stroke").get_dom_attribute("stroke-width") or 0
        )
        for e in browser.find_elements(By.CSS_SELECTOR, "g.edge")
    }
    assert widths["le2c--lgca"] == max(widths.values()), "the best pair is the thickest line"
    assert console_errors(browser) == []


@NEEDS_CHROMIUM
def test_switching_the_dimension_changes_the_lines(
    browser: webdriver.Chrome, site: Service, synergies: dict[str, Any]
) -> None:
    open_network(browser, site)
    combined = pairs_drawn(browser)
    choose = Select(browser.find_element(By.ID, "dimension"))
    for dimension in ("technology-areas", "ecosystems", "networks"):
        choose.select_by_value(dimension)
        expected = expected_pairs(synergies, dimension)
        until(browser, lambda d, e=expected: pairs_drawn(d) == e)
        assert pairs_drawn(browser) != combined
        assert f"dimension={dimension}" in browser.current_url, "the address says what is shown"
    assert len(expected_pairs(synergies, "technology-areas")) < len(combined)
    assert console_errors(browser) == []


@NEEDS_CHROMIUM
def test_clicking_a_line_lists_its_evidence(
    browser: webdriver.Chrome, site: Service, tmp_path: Path
) -> None:
    open_network(browser, site)
    pointer_at(browser, edge(browser, "le2c--lgca"), click=True)
    until(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#evidence-body .evidence-list a"))
    title = browser.find_element(By.CSS_SELECTOR, "#evidence-body .pair-title").text
    assert title == "LE2C – LGCA"
    links = panel_links(browser)
    assert links["BIOMASS HUB"].endswith("/id/project/biomass-hub")
    assert links["Vanguard Initiative"].endswith("/id/network/vanguard-initiative")
    assert all("/id/" in href for href in links.values()), "each item links to its linked-data page"
    sections = {
        s.get_attribute("data-dimension")
        for s in browser.find_elements(By.CSS_SELECTOR, "#evidence-body .dimension-evidence")
    }
    assert {"ecosystems", "networks", "places", "programmes", "pnrr"} <= sections
    assert "3/11" in browser.find_element(By.CSS_SELECTOR, '[data-dimension="networks"] h4').text
    selected = browser.find_element(By.CSS_SELECTOR, 'g.edge[data-pair="le2c--lgca"]')
    assert "selected" in (selected.get_attribute("class") or "")
    assert "pair=le2c--lgca" in browser.current_url
    browser.save_screenshot(str(tmp_path / "network-le2c-lgca.png"))

    # Only the chosen dimension once one is chosen; the selection survives the switch.
    Select(browser.find_element(By.ID, "dimension")).select_by_value("networks")
    until(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#evidence-body .dimension-evidence")) == 1)
    assert set(panel_links(browser)) == {
        "European Cluster Collaboration Platform (ECCP)", "Vanguard Initiative", "BIOMASS HUB"
    }

    # A hover shows the pair and its score in the tooltip.
    pointer_at(browser, edge(browser, "scienze-vita--tav"), click=False)
    until(browser, lambda d: d.find_element(By.ID, "tooltip").is_displayed())
    assert "TAV" in browser.find_element(By.ID, "tooltip").text
    assert console_errors(browser) == []


@NEEDS_CHROMIUM
def test_a_line_opens_from_the_address_and_from_the_keyboard(browser: webdriver.Chrome, site: Service) -> None:
    open_network(browser, site, "?pair=scienze-vita--tav&dimension=partners")
    until(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#evidence-body .pair-title"))
    assert Select(browser.find_element(By.ID, "dimension")).first_selected_option.get_attribute("value") == "partners"
    assert browser.find_element(By.ID, "evidence-hint").is_displayed() is False
    open_network(browser, site)
    line = browser.find_element(By.CSS_SELECTOR, 'g.edge[data-pair="le2c--lgca"]')
    browser.execute_script("arguments[0].focus()", line)
    webdriver.ActionChains(browser).send_keys(Keys.ENTER).perform()
    until(browser, lambda d: "BIOMASS HUB" in panel_links(d))


@NEEDS_CHROMIUM
def test_the_bipartite_view_adds_the_shared_items(
    browser: webdriver.Chrome, site: Service, synergies: dict[str, Any], tmp_path: Path
) -> None:
    open_network(browser, site, "?dimension=networks")
    assert browser.find_elements(By.CSS_SELECTOR, "g.item") == []
    browser.find_element(By.ID, "show-items").click()
    until(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "g.item"))
    items = {i.get_attribute("data-item") for i in browser.find_elements(By.CSS_SELECTOR, "g.item")}
    expected = {
        e["href"] for p in synergies["synergies"] for e in p["dimensions"]["networks"]["evidence"]
    }
    assert items == expected, "one node per item shared in the dimension"
    assert "/id/project/biomass-hub" in items
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.network g.node")) == 9
    biomass = browser.find_element(By.CSS_SELECTOR, 'g.item[data-item="/id/project/biomass-hub"]')
    assert biomass.get_attribute("data-kind") == "project"
    lines = browser.find_elements(By.CSS_SELECTOR, "line.item-link")
    assert len(lines) >= 2 * len(items), "each item is tied to at least two clusters"
    assert not browser.find_element(By.CSS_SELECTOR, "g.edges").is_displayed()

    biomass.click()
    until(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#evidence-body .evidence-list a"))
    sharing = {a.text for a in browser.find_elements(By.CSS_SELECTOR, "#evidence-body .evidence-list a")}
    assert sharing == {"LE2C", "LGCA"}
    browser.save_screenshot(str(tmp_path / "network-items.png"))

    # The same picture for the same data: the layout is deterministic.
    def positions() -> list[str]:
        return [i.get_attribute("transform") or "" for i in browser.find_elements(By.CSS_SELECTOR, "g.item")]

    before = positions()
    browser.refresh()
    until(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "g.item"))
    assert positions() == before
    browser.find_element(By.ID, "show-items").click()
    until(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "g.item") == [])
    assert console_errors(browser) == []


@NEEDS_CHROMIUM
def test_the_matrices_draw_the_heat_map_and_the_gaps(
    browser: webdriver.Chrome, site: Service, synergies: dict[str, Any], tmp_path: Path
) -> None:
    browser.get(site.url + "/matrices")
    until(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#s3-matrix g.column"))
    cells = browser.find_elements(By.CSS_SELECTOR, "svg.heatmap rect[data-row]")
    assert len(cells) == 81
    assert {c.get_attribute("data-row") for c in cells} == {c.get_attribute("data-col") for c in cells}
    assert len({c.get_attribute("data-row") for c in cells}) == 9
    scores = {
        (c.get_attribute("data-row"), c.get_attribute("data-col")): c.get_attribute("data-score") for c in cells
    }
    assert float(scores[("le2c", "lgca")] or 0) == pytest.approx(0.259171)
    assert scores[("lgca", "le2c")] == scores[("le2c", "lgca")], "symmetric"
    assert scores[("afil", "afil")] is None, "no score on the diagonal"

    Select(browser.find_element(By.ID, "dimension")).select_by_value("ecosystems")
    until(browser, lambda d: d.find_element(
        By.CSS_SELECTOR, 'rect[data-row="le2c"][data-col="lgca"]').get_attribute("data-score") == "1")
    assert "dimension=ecosystems" in browser.current_url

    # PNRR: Mission 5 and its components are covered by no cluster, and say so.
    missions = browser.find_elements(By.CSS_SELECTOR, "#pnrr-missions g.column")
    assert [m.get_attribute("data-item") for m in missions] == ["M1", "M2", "M3", "M4", "M5", "M6"]
    uncovered = {
        m.get_attribute("data-item") for m in browser.find_elements(By.CSS_SELECTOR, "#pnrr-missions g.column.uncovered")
    }
    assert uncovered == {"M5"}
    m5 = browser.find_element(By.CSS_SELECTOR, '#pnrr-missions g.column[data-item="M5"]')
    assert m5.find_elements(By.CSS_SELECTOR, "rect.column-mark"), "the column is hatched"
    assert browser.find_elements(By.CSS_SELECTOR, '#pnrr-missions g.mark[data-item="M5"]') == []
    pnrr = httpx.get(site.url + "/api/queries/pnrr-coverage", params={"level": "component"}, timeout=60).json()
    gaps = {r["notation"] for r in pnrr["rows"] if r["cluster_count"] == 0}
    drawn_gaps = {
        c.get_attribute("data-item")
        for c in browser.find_elements(By.CSS_SELECTOR, "#pnrr-components g.column.uncovered")
    }
    assert drawn_gaps == gaps and {"M5C1", "M5C2", "M5C3"} <= gaps
    le2c_m2 = browser.find_elements(By.CSS_SELECTOR, '#pnrr-missions g.mark[data-item="M2"][data-cluster="le2c"]')
    assert len(le2c_m2) == 1

    # S3: Culture and Knowledge is declared (by SCC) but reached by no project.
    culture = browser.find_element(By.CSS_SELECTOR, '#s3-matrix g.column[data-item="cultura-conoscenza"]')
    assert "no-projects" in (culture.get_attribute("class") or "")
    marks = browser.find_elements(By.CSS_SELECTOR, '#s3-matrix g.mark[data-item="cultura-conoscenza"]')
    assert [m.get_attribute("data-cluster") for m in marks] == ["scc"]
    assert marks[0].find_elements(By.CSS_SELECTOR, "rect.declared")
    assert not marks[0].find_elements(By.CSS_SELECTOR, "circle.through")
    afil = browser.find_element(By.CSS_SELECTOR, '#s3-matrix g.mark[data-item="manifatturiero-avanzato"][data-cluster="afil"]')
    assert afil.find_elements(By.CSS_SELECTOR, "rect.declared") and afil.find_elements(By.CSS_SELECTOR, "circle.through")
    through_only = browser.find_element(
        By.CSS_SELECTOR, '#s3-matrix g.mark[data-item="connettivita-informazione"][data-cluster="tav"]')
    assert not through_only.find_elements(By.CSS_SELECTOR, "rect.declared"), "reached through projects only"
    key = browser.find_element(By.ID, "pnrr-key").text
    assert "Inclusion and cohesion" in key
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, min(int(height) + 150, 4000))
    browser.save_screenshot(str(tmp_path / "matrices.png"))
    browser.set_window_size(1280, 1000)
    assert console_errors(browser) == []


@NEEDS_CHROMIUM
def test_a_heat_map_cell_opens_the_pair_in_the_network(browser: webdriver.Chrome, site: Service) -> None:
    browser.get(site.url + "/matrices?lang=it&dimension=networks")
    until(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "svg.heatmap rect[data-score]"))
    cell = browser.find_element(By.CSS_SELECTOR, 'svg.heatmap rect[data-row="le2c"][data-col="lgca"]')
    link = cell.find_element(By.XPATH, "..")
    assert link.get_dom_attribute("href") == "/network?lang=it&pair=le2c--lgca&dimension=networks"
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell)
    cell.click()
    until(browser, lambda d: "/network" in d.current_url)
    until(browser, lambda d: "BIOMASS HUB" in panel_links(d))
    assert browser.find_element(By.CSS_SELECTOR, "#evidence-body .dimension-evidence h4").text.startswith(
        "Reti e progetti"
    )
    assert console_errors(browser) == []
