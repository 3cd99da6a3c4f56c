"""The pages in a real browser: Debian's headless Chromium driven by Selenium against a real server.

The path a person takes: the home page, the query page, run a query, read the table, sort it, follow
an IRI to its page. The browser's console must stay free of errors, CSP violations included.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from selenium import webdriver
from selenium.webdriver import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import Select

from chromium import NEEDS_CHROMIUM, console_errors, open_query_page, type_into_editor, wait
from chromium import browser as browser
from chromium import site as site
from live_servers import Service

pytestmark = NEEDS_CHROMIUM


def test_home_to_query_to_results(browser: webdriver.Chrome, site: Service, tmp_path: Path) -> None:
    browser.get(site.url + "/")
    browser.execute_script("window.localStorage.clear()")  # the query page then opens with its own query
    assert "Lombardy Technology Clusters" in browser.find_element(By.TAG_NAME, "h1").text
    assert len(browser.find_elements(By.CSS_SELECTOR, "article.card.cluster")) == 9
    browser.save_screenshot(str(tmp_path / "home.png"))

    browser.find_element(By.CSS_SELECTOR, 'header nav a[href^="/query"]').click()
    wait(browser).until(ready.presence_of_element_located((By.CSS_SELECTOR, ".cm-editor .cm-content")))
    assert "SELECT" in browser.find_element(By.CSS_SELECTOR, ".cm-content").text, "the editor holds the query"
    assert browser.find_elements(By.CSS_SELECTOR, ".cm-editor .cm-gutters"), "CodeMirror's styles applied"

    browser.find_element(By.ID, "run-query").click()
    wait(browser).until(ready.presence_of_element_located((By.CSS_SELECTOR, "#results table tbody tr")))
    rows = browser.find_elements(By.CSS_SELECTOR, "#results table tbody tr")
    assert len(rows) == 9
    headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#results thead th")]
    assert headers == ["cluster", "name", "members"]
    assert browser.find_element(By.ID, "query-status").text.startswith("9 rows ·")
    browser.save_screenshot(str(tmp_path / "query.png"))

    members = browser.find_element(By.XPATH, '//*[@id="results"]//th[text()="members"]')
    members.click()  # the query sorts largest first; one click sorts ascending, numerically
    values = [
        int(td.text.split()[0])
        for td in browser.find_elements(By.CSS_SELECTOR, "#results tbody td:nth-child(3)")
    ]
    assert values == sorted(values)
    assert members.get_attribute("aria-sort") == "ascending"

    downloads = {
        a.get_attribute("data-format"): a.get_attribute("href")
        for a in browser.find_elements(By.CSS_SELECTOR, "#downloads a")
    }
    assert set(downloads) == {"json", "xml", "csv", "tsv"}
    assert all("/sparql?query=" in (href or "") for href in downloads.values())

    link = browser.find_element(By.CSS_SELECTOR, '#results tbody a[href^="/id/cluster/"]')
    link.click()
    wait(browser).until(ready.url_contains("/id/cluster/"))
    assert browser.find_element(By.TAG_NAME, "h1").text
    assert browser.find_elements(By.CSS_SELECTOR, "table.props")
    assert console_errors(browser) == []


def test_an_example_loads_into_the_editor(browser: webdriver.Chrome, site: Service) -> None:
    open_query_page(browser, site.url + "/query")
    buttons = browser.find_elements(By.CSS_SELECTOR, "button.example")
    assert buttons, "the query page offers no example, although queries/ holds the named queries"
    buttons[0].click()
    source = browser.find_element(By.ID, buttons[0].get_attribute("data-example") or "")
    first_line = (source.get_attribute("textContent") or "").strip().splitlines()[0]
    wait(browser).until(lambda d: first_line in d.find_element(By.CSS_SELECTOR, ".cm-content").text)
    assert console_errors(browser) == []


def test_a_query_error_is_shown(browser: webdriver.Chrome, site: Service) -> None:
    open_query_page(browser, site.url + "/query?lang=it")
    type_into_editor(browser, " this is not SPARQL {")
    browser.find_element(By.ID, "run-query").click()
    wait(browser).until(
        lambda d: "error" in (d.find_element(By.ID, "query-status").get_attribute("class") or "")
    )
    status = browser.find_element(By.ID, "query-status").text
    assert "Errore 400" in status
    # The server's message, as words: not the JSON body it came in.
    query = browser.execute_script("return document.getElementById('query-text').value")
    answer = httpx.post(site.url + "/sparql", data={"query": query}, headers={"Accept": "application/json"})
    assert answer.status_code == 400 and answer.json()["message"] in status, (status, answer.text)
    assert '"message"' not in status and '"status"' not in status
    assert not browser.find_element(By.ID, "downloads").is_displayed(), "no downloads for a failed query"
    # The browser itself logs the failed request; nothing else (a script error, a CSP violation) may be there.
    assert [e for e in console_errors(browser) if "/sparql - Failed to load resource" not in e] == []


def test_a_count_takes_its_plural_form(browser: webdriver.Chrome, site: Service) -> None:
    open_query_page(browser, site.url + "/query?lang=it")
    type_into_editor(browser, Keys.CONTROL + "a", Keys.DELETE, "SELECT ?x WHERE { VALUES ?x { 1 } }")
    browser.find_element(By.ID, "run-query").click()
    wait(browser).until(ready.presence_of_element_located((By.CSS_SELECTOR, "#results table tbody tr")))
    assert browser.find_element(By.ID, "query-status").text.startswith("1 riga ·")


def test_a_failed_query_clears_the_last_answers_downloads(browser: webdriver.Chrome, site: Service) -> None:
    open_query_page(browser, site.url + "/query")
    browser.find_element(By.ID, "run-query").click()
    wait(browser).until(ready.visibility_of_element_located((By.CSS_SELECTOR, "#downloads a")))
    type_into_editor(browser, " }}} not SPARQL")
    browser.find_element(By.ID, "run-query").click()
    wait(browser).until(
        lambda d: "error" in (d.find_element(By.ID, "query-status").get_attribute("class") or "")
    )
    assert not browser.find_element(By.ID, "downloads").is_displayed()
    assert browser.find_elements(By.CSS_SELECTOR, "#downloads a") == []
    assert browser.find_elements(By.CSS_SELECTOR, "#results table") == []
    assert [e for e in console_errors(browser) if "/sparql - Failed to load resource" not in e] == []


def test_the_page_modules_leave_no_globals(browser: webdriver.Chrome, site: Service) -> None:
    """The scripts are ES modules that import each other: nothing of theirs hangs on window."""
    for path in ("/query", "/network", "/matrices"):
        browser.get(site.url + path)
        wait(browser).until(lambda d: d.execute_script("return document.readyState") == "complete")
        leaked = browser.execute_script("return Object.keys(window).filter((k) => /^ctlkg/i.test(k))")
        assert leaked == [], (path, leaked)
    assert console_errors(browser) == []


SHARED = "SELECT ?n WHERE { VALUES ?n { 41 42 } } # a shared link's 'query'"


def test_a_permalink_round_trip(browser: webdriver.Chrome, site: Service) -> None:
    """A link with ?query= opens that query; running one puts it in the address bar, so a reload keeps it;
    a browser sent to /sparql?query= lands on the page with the query; the snippets carry it."""
    open_query_page(browser, site.url + "/query?" + urlencode({"query": SHARED, "lang": "en"}))
    assert "VALUES ?n { 41 42 }" in browser.find_element(By.CSS_SELECTOR, ".cm-content").text
    type_into_editor(browser, Keys.CONTROL + Keys.END, "\nLIMIT 1")
    browser.find_element(By.ID, "run-query").click()
    wait(browser).until(ready.presence_of_element_located((By.CSS_SELECTOR, "#results table tbody tr")))
    address = parse_qs(urlsplit(browser.current_url).query)
    assert address["query"][0].startswith(SHARED) and address["query"][0].rstrip().endswith("LIMIT 1")
    assert address["lang"] == ["en"]

    browser.refresh()
    wait(browser).until(ready.presence_of_element_located((By.CSS_SELECTOR, ".cm-editor .cm-content")))
    assert "LIMIT 1" in browser.find_element(By.CSS_SELECTOR, ".cm-content").text

    browser.find_element(By.CSS_SELECTOR, "#snippets summary").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "snippet-curl").text)
    curl = browser.find_element(By.ID, "snippet-curl").text
    python = browser.find_element(By.ID, "snippet-python").text
    javascript = browser.find_element(By.ID, "snippet-javascript").text
    assert curl.startswith(f"curl -G '{site.url}/sparql'") and "shared link'\\''s" in curl
    assert "SPARQLWrapper(" in python and "VALUES ?n { 41 42 }" in python and "setReturnFormat(JSON)" in python
    assert f'fetch("{site.url}/sparql"' in javascript and "LIMIT 1" in javascript

    browser.find_element(By.ID, "copy-link").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "query-status").text)
    status = browser.find_element(By.ID, "query-status").text
    assert status == "Link copied to the clipboard" or status.startswith("Copy this link: " + site.url + "/query?")

    browser.get(site.url + "/sparql?" + urlencode({"query": "ASK { ?s ?p ?o }"}))
    wait(browser).until(ready.url_contains("/query?"))
    wait(browser).until(ready.presence_of_element_located((By.CSS_SELECTOR, ".cm-editor .cm-content")))
    assert "ASK { ?s ?p ?o }" in browser.find_element(By.CSS_SELECTOR, ".cm-content").text
    assert console_errors(browser) == []


def test_the_api_page_draws_every_operation(browser: webdriver.Chrome, site: Service) -> None:
    """/docs: Swagger UI from the bundle draws /openapi.json under the strict policy, with no console error."""
    browser.get(site.url + "/docs")
    wait(browser).until(ready.presence_of_element_located((By.CSS_SELECTOR, ".swagger-ui .opblock")))
    document = httpx.get(site.url + "/openapi.json").json()
    operations = sum(len(methods) for methods in document["paths"].values())
    wait(browser).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".swagger-ui .opblock")) == operations)
    assert "ctlkg" in browser.find_element(By.CSS_SELECTOR, ".swagger-ui .info .title").text
    assert console_errors(browser) == []


def test_typing_over_a_selection_keeps_the_policy(browser: webdriver.Chrome, site: Service) -> None:
    """Replacing selected text: the editor does it itself, so the browser's editing never tries the inline
    style the page's CSP would block (a console error before)."""
    open_query_page(browser, site.url + "/query")
    browser.get_log("browser")  # type: ignore[no-untyped-call]  # drop what came before
    type_into_editor(browser, Keys.CONTROL + "a", "SELECT ?x WHERE { VALUES ?x { 1 } }")
    editor = browser.find_element(By.CSS_SELECTOR, ".cm-content")
    ActionChains(browser).double_click(editor.find_element(By.XPATH, ".//*[contains(text(), 'WHERE')]")).perform()
    editor.send_keys("where")
    wait(browser).until(lambda d: "where {" in d.find_element(By.CSS_SELECTOR, ".cm-content").text)
    text = browser.execute_script("return document.getElementById('query-text').value")
    assert text == "SELECT ?x where { VALUES ?x { 1 } }"
    assert console_errors(browser) == []


def test_a_wide_table_scrolls_inside_its_pane(browser: webdriver.Chrome, site: Service) -> None:
    """Long IRIs in many columns: the results pane scrolls, the page does not grow sideways (wide and narrow
    windows)."""
    wide = "SELECT * WHERE { ?a ?b ?c . ?c ?d ?e . ?e ?f ?g } LIMIT 20"
    for width in (1280, 700):
        browser.set_window_size(width, 1000)
        open_query_page(browser, site.url + "/query?" + urlencode({"query": wide}))
        browser.find_element(By.ID, "run-query").click()
        wait(browser).until(ready.presence_of_element_located((By.CSS_SELECTOR, "#results table tbody tr")))
        page, pane, table = browser.execute_script(
            "const r = document.getElementById('results');"
            "return [document.documentElement.scrollWidth, r.clientWidth, r.scrollWidth];")
        assert table > pane, "the table is wider than its pane (the test needs a wide table)"
        assert page <= browser.execute_script("return window.innerWidth"), (width, page)
    browser.set_window_size(1280, 1000)


def test_a_syntax_error_is_shown_in_the_editor(browser: webdriver.Chrome, site: Service) -> None:
    """The message names the line and column, and the editor selects that place."""
    broken = "SELECT * WHERE {\n  ?s ?p ?o .\n  ?s xx ?o}"
    open_query_page(browser, site.url + "/query?" + urlencode({"query": broken}))
    browser.find_element(By.ID, "run-query").click()
    wait(browser).until(lambda d: "line 3, column 11" in d.find_element(By.ID, "query-status").text)
    selected = browser.execute_script(
        "const s = window.getSelection(); return [s.toString(), s.anchorNode && s.anchorNode.textContent];")
    assert selected[0] == "}", selected
    assert [e for e in console_errors(browser) if "/sparql - Failed to load resource" not in e] == []


def test_the_page_remembers_the_query_and_the_history(browser: webdriver.Chrome, site: Service) -> None:
    """The query being written survives a new visit; the queries run are listed, newest first, and load
    into the editor; a shared link still opens its own query."""
    open_query_page(browser, site.url + "/query")
    type_into_editor(browser, Keys.CONTROL + "a", "SELECT ?first WHERE { VALUES ?first { 1 } }")
    browser.find_element(By.ID, "run-query").click()
    wait(browser).until(ready.presence_of_element_located((By.CSS_SELECTOR, "#results table tbody tr")))
    type_into_editor(browser, Keys.CONTROL + "a", "ASK { ?second ?p ?o }")
    browser.find_element(By.ID, "run-query").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "query-status").text.startswith("true"))
    type_into_editor(browser, Keys.CONTROL + "a", "SELECT ?unsent WHERE { }")

    open_query_page(browser, site.url + "/query", keep_storage=True)
    assert browser.find_element(By.CSS_SELECTOR, ".cm-content").text == "SELECT ?unsent WHERE { }"
    history = [b.text for b in browser.find_elements(By.CSS_SELECTOR, "#history button")]
    assert history[:2] == ["ASK { ?second ?p ?o }", "SELECT ?first WHERE { VALUES ?first { 1 } }"]
    browser.find_elements(By.CSS_SELECTOR, "#history button")[1].click()
    wait(browser).until(lambda d: "?first" in d.find_element(By.CSS_SELECTOR, ".cm-content").text)

    open_query_page(browser, site.url + "/query?" + urlencode({"query": "ASK {}"}), keep_storage=True)
    assert browser.find_element(By.CSS_SELECTOR, ".cm-content").text == "ASK {}"
    assert console_errors(browser) == []


def test_a_long_answer_is_paged_filtered_and_shown_raw(browser: webdriver.Chrome, site: Service) -> None:
    """250 rows: a hundred at a time, the filter searches all of them, sorting orders all of them, and the
    answer can be read as it came."""
    numbers = "SELECT ?n ?word WHERE { VALUES ?n { " + " ".join(str(i) for i in range(1, 251)) + " } " \
              'BIND(CONCAT("w", STR(?n)) AS ?word) }'
    open_query_page(browser, site.url + "/query?" + urlencode({"query": numbers}))
    browser.find_element(By.ID, "run-query").click()
    wait(browser).until(ready.presence_of_element_located((By.CSS_SELECTOR, "#results table tbody tr")))

    def shown() -> tuple[int, str]:
        return (len(browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")),
                browser.find_element(By.CSS_SELECTOR, ".table-range").text)

    assert shown() == (100, "rows 1–100 of 250")
    browser.find_element(By.XPATH, '//*[@id="results"]//button[contains(., "next")]').click()
    assert shown() == (100, "rows 101–200 of 250")
    browser.find_element(By.XPATH, '//*[@id="results"]//th[text()="n"]').click()
    browser.find_element(By.XPATH, '//*[@id="results"]//th[text()="n"]').click()  # descending: 250 first
    assert browser.find_element(By.CSS_SELECTOR, "#results tbody td").text == "250"
    browser.find_element(By.CSS_SELECTOR, ".table-filter").send_keys("w24")
    assert shown() == (11, "rows 1–11 of 11")  # w24 and w240 … w249
    browser.find_element(By.CSS_SELECTOR, "#results details.raw summary").click()
    raw = browser.find_element(By.CSS_SELECTOR, "#results details.raw pre").text
    assert '"vars"' in raw and '"w250"' in raw
    assert console_errors(browser) == []


def test_a_numeric_column_can_be_drawn(browser: webdriver.Chrome, site: Service) -> None:
    """The nine clusters and their members: a bar per cluster, labelled, or a line; no chart for an answer
    without numbers."""
    open_query_page(browser, site.url + "/query")
    browser.find_element(By.ID, "run-query").click()
    wait(browser).until(ready.presence_of_element_located((By.CSS_SELECTOR, "#results table tbody tr")))
    browser.find_element(By.CSS_SELECTOR, "#results details.chart-view summary").click()
    bars = browser.find_elements(By.CSS_SELECTOR, "svg.chart.bar rect")
    assert len(bars) == 9
    widths = [float(bar.get_attribute("width") or 0) for bar in bars]
    assert widths == sorted(widths, reverse=True) and widths[0] > widths[-1] > 0  # largest first, as queried
    labels = [t.text for t in browser.find_elements(By.CSS_SELECTOR, "svg.chart.bar g > text:not(.value)")]
    assert any("Lombardy" in label for label in labels)
    Select(browser.find_element(By.CSS_SELECTOR, ".result-chart select:nth-of-type(2)")).select_by_value("line")
    assert browser.find_elements(By.CSS_SELECTOR, "svg.chart.line path")
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.chart.line circle")) == 9
    type_into_editor(browser, Keys.CONTROL + "a", "SELECT ?s WHERE { VALUES ?s { <urn:x> } }")
    browser.find_element(By.ID, "run-query").click()
    wait(browser).until(lambda d: d.find_element(By.ID, "query-status").text.startswith("1 row"))
    assert browser.find_elements(By.CSS_SELECTOR, "#results details.chart-view") == []
    assert console_errors(browser) == []


def test_a_construct_answer_can_be_drawn_as_a_graph(browser: webdriver.Chrome, site: Service) -> None:
    """DESCRIBE a cluster: its triples as text, and on demand as a drawing of the resources it links."""
    describe = "DESCRIBE <https://w3id.org/lombardia-clusters/id/cluster/afil>"
    open_query_page(browser, site.url + "/query?" + urlencode({"query": describe}))
    browser.find_element(By.ID, "run-query").click()
    wait(browser).until(ready.presence_of_element_located((By.CSS_SELECTOR, "#results pre")))
    browser.find_element(By.CSS_SELECTOR, "#results details.graph-view summary").click()
    wait(browser).until(ready.presence_of_element_located((By.CSS_SELECTOR, "svg.chart.graph")))
    nodes = browser.find_elements(By.CSS_SELECTOR, "svg.chart.graph g.node")
    assert len(nodes) > 10
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.chart.graph line")) >= len(nodes) - 1
    names = [n.find_element(By.TAG_NAME, "text").text for n in nodes]
    assert "cluster:afil" in names
    assert console_errors(browser) == []


def _choose_example(driver: webdriver.Chrome, name: str) -> None:
    driver.find_element(By.CSS_SELECTOR, f'button.example[data-name="{name}"]').click()
    wait(driver).until(lambda d: d.find_element(By.ID, "query-params").is_displayed())


def _column(driver: webdriver.Chrome, name: str) -> list[str]:
    heads = [th.text for th in driver.find_elements(By.CSS_SELECTOR, "#results thead th")]
    if name not in heads:  # not drawn yet
        return []
    index = heads.index(name) + 1
    return [td.text for td in driver.find_elements(By.CSS_SELECTOR, f"#results tbody td:nth-child({index})")]


def test_a_named_query_runs_through_its_form(browser: webdriver.Chrome, site: Service) -> None:
    """An example shows its query without the header and a form of its parameters; it runs with them
    bound (no empty label column), in the language chosen; an IRI parameter starts from the header's
    example; downloads carry the values; editing the text leaves the form behind."""
    open_query_page(browser, site.url + "/query")
    _choose_example(browser, "shared-networks")
    assert "#+" not in browser.find_element(By.CSS_SELECTOR, ".cm-content").text
    browser.find_element(By.ID, "run-query").click()
    wait(browser).until(ready.presence_of_element_located((By.CSS_SELECTOR, "#results table tbody tr")))
    labels = _column(browser, "cluster_a_label")
    assert labels and all(labels), "every row has its label"
    Select(browser.find_element(By.NAME, "param-lang")).select_by_value("it")
    browser.find_element(By.ID, "run-query").click()
    wait(browser).until(lambda d: "it" in _column(d, "lang"))
    assert all(_column(browser, "cluster_a_label"))
    csv = browser.find_element(By.CSS_SELECTOR, '#downloads a[data-format="csv"]').get_attribute("href") or ""
    assert "/api/queries/shared-networks?lang=it&format=csv" in csv

    _choose_example(browser, "cluster-profile")
    cluster = browser.find_element(By.NAME, "param-cluster")
    assert cluster.get_attribute("value") == "https://w3id.org/lombardia-clusters/id/cluster/afil"
    browser.find_element(By.ID, "run-query").click()
    wait(browser).until(ready.presence_of_element_located((By.CSS_SELECTOR, "#results table tbody tr")))
    assert set(_column(browser, "cluster")) == {"cluster:afil"}

    type_into_editor(browser, Keys.CONTROL + Keys.END, "\n# edited")
    assert not browser.find_element(By.ID, "query-params").is_displayed()
    assert console_errors(browser) == []


def test_a_named_query_permalink_keeps_its_form_values(browser: webdriver.Chrome, site: Service) -> None:
    """Running a named query through its form puts its name and values in the address; opening that address
    shows the form with those values, and running it answers with them."""
    open_query_page(browser, site.url + "/query")
    _choose_example(browser, "cluster-profile")
    cluster = browser.find_element(By.NAME, "param-cluster")
    cluster.clear()
    cluster.send_keys("https://w3id.org/lombardia-clusters/id/cluster/tav")
    Select(browser.find_element(By.NAME, "param-lang")).select_by_value("it")
    browser.find_element(By.ID, "run-query").click()
    wait(browser).until(ready.presence_of_element_located((By.CSS_SELECTOR, "#results table tbody tr")))
    address = browser.current_url
    assert "example=cluster-profile" in address and "param-lang=it" in address and "query=" not in address
    assert "param-cluster=https%3A%2F%2Fw3id.org%2Flombardia-clusters%2Fid%2Fcluster%2Ftav" in address

    open_query_page(browser, address)
    assert (browser.find_element(By.NAME, "param-cluster").get_attribute("value") or "").endswith("/cluster/tav")
    assert Select(browser.find_element(By.NAME, "param-lang")).first_selected_option.get_attribute("value") == "it"
    browser.find_element(By.ID, "run-query").click()
    wait(browser).until(ready.presence_of_element_located((By.CSS_SELECTOR, "#results table tbody tr")))
    assert set(_column(browser, "cluster")) == {"cluster:tav"} and set(_column(browser, "lang")) == {"it"}
    # Editing the text leaves the form: the address then carries the query itself.
    type_into_editor(browser, Keys.CONTROL + Keys.END, "\n# edited")
    browser.find_element(By.ID, "run-query").click()
    wait(browser).until(lambda d: "query=" in d.current_url and "example=" not in d.current_url)
    assert console_errors(browser) == []
