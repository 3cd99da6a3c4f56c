"""The workbench's helpers in a real browser: completions in the editor (a class, a prefix that declares
itself, a resource by its label), syntax errors marked while typing, the header's search box and the
suggestions of a named query's IRI field, all against a real server and with a clean console."""

from __future__ import annotations

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as ready

from chromium import NEEDS_CHROMIUM, console_errors, open_query_page, type_into_editor, wait
from chromium import browser as browser
from chromium import site as site
from ctlkg.rdf import namespaces
from live_servers import Service

pytestmark = NEEDS_CHROMIUM


def editor_text(driver: webdriver.Chrome) -> str:
    lines = driver.find_elements(By.CSS_SELECTOR, ".cm-content .cm-line")
    return "\n".join(line.text for line in lines)


def replace_editor_text(driver: webdriver.Chrome, *keys: str) -> None:
    type_into_editor(driver, Keys.CONTROL + "a", Keys.DELETE, *keys)


def option(driver: webdriver.Chrome, label: str) -> WebElement:
    """The completion offered under ``label`` (waited for)."""
    selector = ".cm-tooltip-autocomplete li"

    def found(d: webdriver.Chrome) -> WebElement | bool:
        for item in d.find_elements(By.CSS_SELECTOR, selector):
            if item.find_element(By.CSS_SELECTOR, ".cm-completionLabel").text == label:
                return item
        return False

    item = wait(driver).until(found)
    assert isinstance(item, WebElement)
    return item


def test_the_editor_offers_a_class_with_its_label(browser: webdriver.Chrome, site: Service) -> None:
    open_query_page(browser, site.url + "/query")
    replace_editor_text(browser, "PREFIX ctl: <", namespaces.CTL, ">\n", "SELECT * WHERE { ?s a ctl:Clu")
    offered = option(browser, "ctl:Cluster")
    assert "cluster" in offered.text.lower().replace("ctl:cluster", ""), "the class's label is shown beside it"
    offered.click()
    wait(browser).until(lambda d: "a ctl:Cluster" in editor_text(d))
    assert console_errors(browser) == []


def test_a_prefix_picked_declares_itself(browser: webdriver.Chrome, site: Service) -> None:
    open_query_page(browser, site.url + "/query")
    replace_editor_text(browser, "SELECT * WHERE { ?s a fo")
    option(browser, "foaf:").click()
    wait(browser).until(lambda d: "PREFIX foaf: <http://xmlns.com/foaf/0.1/>" in editor_text(d))
    assert "?s a foaf:" in editor_text(browser)
    assert console_errors(browser) == []


def test_a_resource_is_offered_by_its_label(browser: webdriver.Chrome, site: Service) -> None:
    open_query_page(browser, site.url + "/query")
    replace_editor_text(browser, "SELECT * WHERE { ?s ?p Aerosp")
    option(browser, "Lombardy Aerospace Cluster").click()
    wait(browser).until(lambda d: "?p cluster:lac" in editor_text(d))
    assert f"PREFIX cluster: <{namespaces.ID}cluster/>" in editor_text(browser)
    assert console_errors(browser) == []


def test_a_syntax_error_is_marked_while_typing(browser: webdriver.Chrome, site: Service) -> None:
    open_query_page(browser, site.url + "/query")
    replace_editor_text(browser, "SELECT * WHERE { ?s ?p ")
    mark = wait(browser).until(ready.presence_of_element_located((By.CSS_SELECTOR, ".cm-lintRange-error")))
    assert mark.is_displayed()
    type_into_editor(browser, "?o")
    wait(browser).until(lambda d: not d.find_elements(By.CSS_SELECTOR, ".cm-lintRange-error"))
    assert console_errors(browser) == []


def test_the_search_box_leads_to_a_resource_page(browser: webdriver.Chrome, site: Service) -> None:
    browser.get(site.url + "/?lang=en")
    box = browser.find_element(By.ID, "site-search-q")
    box.send_keys("aerospa")
    suggestion = wait(browser).until(ready.visibility_of_element_located(
        (By.XPATH, "//li[@role='option'][contains(., 'Lombardy Aerospace Cluster')]")))
    assert box.get_attribute("aria-expanded") == "true"
    suggestion.click()
    wait(browser).until(lambda d: "/id/cluster/lac" in d.current_url)
    assert "Aerospace" in browser.find_element(By.TAG_NAME, "h1").text

    box = browser.find_element(By.ID, "site-search-q")
    box.send_keys("manifatturiero")
    wait(browser).until(ready.visibility_of_element_located((By.CSS_SELECTOR, "li[role='option']")))
    box.send_keys(Keys.ARROW_DOWN)  # the keyboard picks too: the first suggestion
    assert box.get_attribute("aria-activedescendant")
    box.send_keys(Keys.ENTER)
    wait(browser).until(lambda d: "/id/ecosystem/" in d.current_url)

    box = browser.find_element(By.ID, "site-search-q")
    box.send_keys("manifattura", Keys.ENTER)  # no suggestion picked: the results page
    wait(browser).until(lambda d: "/search?" in d.current_url)
    first = browser.find_element(By.CSS_SELECTOR, "ol.search-results li a")
    assert browser.find_elements(By.CSS_SELECTOR, "ol.search-results mark"), "the words found are marked"
    first.click()
    wait(browser).until(lambda d: "/id/" in d.current_url)
    assert console_errors(browser) == []


def test_an_iri_field_suggests_resources(browser: webdriver.Chrome, site: Service) -> None:
    open_query_page(browser, site.url + "/query")
    browser.find_element(By.CSS_SELECTOR, 'button.example[data-name="cluster-profile"]').click()
    field = wait(browser).until(ready.visibility_of_element_located((By.NAME, "param-cluster")))
    field.clear()
    field.send_keys("cleantech")
    wait(browser).until(ready.visibility_of_element_located(
        (By.XPATH, "//li[@role='option'][contains(., 'Lombardy Energy Cleantech Cluster')]"))).click()
    assert field.get_attribute("value") == f"{namespaces.ID}cluster/le2c"
    assert console_errors(browser) == []
