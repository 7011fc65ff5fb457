#===----------------------------------------------------------------------===//
#
# This source file is part of the Strata open source project.
# SPDX-License-Identifier: Apache-2.0
#
#===----------------------------------------------------------------------===//
"""The operator console in headless Chromium, against a running `strata serve` (see scripts/console-check.sh).

    python check.py BASE_URL ADMIN_TOKEN READ_TOKEN

Seeds a paid order through the API, then checks each page as a person would see it, and rebuilds the projection
with its button. Exits non-zero at the first failed check.
"""
import json
import os
import shutil
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

base, admin, reader = sys.argv[1:4]
screenshots = os.environ.get("STRATA_CONSOLE_SCREENSHOTS")
MARKUP = '<script>window.owned = 1</script><img src="x" onerror="window.owned = 1">'


def api(method, path, body=None, headers=None):
    request = urllib.request.Request(
        base + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": "Bearer " + admin, "Content-Type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(request) as response:
        text = response.read()
        return json.loads(text) if text else None


def check(condition, what):
    if not condition:
        print(f"console check failed: {what}", file=sys.stderr)
        sys.exit(1)
    print(f"    ok: {what}")


def eventually(condition, what, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                print(f"    ok: {what}")
                return
        except StaleElementReferenceException:
            pass  # the page swapped the element while it was read: look again
        time.sleep(0.2)
    check(False, what)


# A paid order, its customer named with markup, its payment under a correlation id of its own.
customer = api("POST", "/customers", {"name": MARKUP, "email": "mallory@example.com"})["id"]
order = api("POST", "/orders", {"customerId": customer})["id"]
api("POST", f"/orders/{order}/lines", {"sku": "book", "quantity": 2, "unitPriceCents": 1250})
api("POST", f"/orders/{order}/confirm")
correlation = f"payment-{order}"
api("POST", f"/orders/{order}/payments", {"amountCents": 2500}, {"Strata-Correlation-ID": correlation})
eventually(lambda: api("GET", f"/orders/{order}").get("status") == "paid", "the order is paid")
registration = api("GET", f"/streams/customer-{customer}")["events"][0]["position"]

options = Options()
options.binary_location = shutil.which("chromium")
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900", "--disable-gpu"]:
    options.add_argument(argument)
driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
driver.set_page_load_timeout(30)


def page(path):
    driver.get(base + path)
    return driver


def text(selector):
    return driver.find_element(By.CSS_SELECTOR, selector).text


def screenshot(name):
    if screenshots:
        driver.save_screenshot(os.path.join(screenshots, f"console-{name}.png"))


def sign_in(token):
    page("/console/sign-in")
    field = driver.find_element(By.NAME, "token")
    field.send_keys(token)
    field.submit()
    WebDriverWait(driver, 10).until(lambda d: d.current_url.rstrip("/").endswith("/console"))


try:
    print("--> signing in")
    page("/console")
    check("Sign in" in text("main h1"), "without a token the console asks for one")
    sign_in(reader)
    check(text("main h1") == "Overview", "a read token opens the overview")
    page("/console/projections/shop-views")
    check(not driver.find_elements(By.CSS_SELECTOR, "section.actions"), "a read token sees no projection controls")
    driver.find_element(By.CSS_SELECTOR, "header form button").click()
    WebDriverWait(driver, 10).until(lambda d: "/console/sign-in" in d.current_url)
    page("/console")
    check("Sign in" in text("main h1"), "signing out forgets the token")
    sign_in(admin)

    print("--> the overview")
    check("shop-views" in text("table.projections"), "the overview lists the shop's projection")
    check(text("#health") == "ready", "the overview says the service is ready")
    check("OrderPaid" in text("table.events"), "the overview lists the latest events")

    links = driver.find_elements(By.CSS_SELECTOR, "table.categories a[href='/console/streams?category=order']")
    check(len(links) == 1 and links[0].text == "order", "the overview lists the order category")

    print("--> the overview's chart and the live tail, as events are appended")
    counted = lambda: int(text("#rate-total").split()[0]) if text("#rate-total").split()[0].isdigit() else -1
    seeded = counted()
    check(seeded >= 8, f"the chart starts with the events of the last minutes ({seeded})")
    api("POST", "/orders", {"customerId": customer})
    eventually(lambda: counted() > seeded, "the overview counts an appended event")
    screenshot("overview")
    page("/console/tail?category=order")
    api("POST", "/orders", {"customerId": customer})
    eventually(lambda: "OrderPlaced" in text("#tail tbody"), "the live tail shows an appended event")
    screenshot("tail")

    print("--> streams and a stream")
    page("/console/streams?category=order")
    links = driver.find_elements(By.LINK_TEXT, f"order-{order}")
    check(len(links) == 1, "the order's stream is listed under its category")
    screenshot("streams")
    links[0].click()
    events = text("table.events")
    for event_type in ["OrderPlaced", "OrderLineAdded", "OrderConfirmed", "OrderPaid"]:
        check(event_type in events, f"the order's stream shows {event_type}")
    screenshot("stream")

    print("--> an event whose data holds markup")
    page(f"/console/events/{registration}")
    check(MARKUP.replace('"', '\\"') in text("pre.json") or MARKUP in text("pre.json"), "the markup is shown as text")
    check(driver.execute_script("return window.owned === undefined"), "the markup never ran")
    check(not driver.find_elements(By.CSS_SELECTOR, "main script, main img"), "the markup made no element")
    try:
        driver.switch_to.alert
        check(False, "no dialog opened")
    except NoAlertPresentException:
        pass
    screenshot("event")

    print("--> an event's cause")
    paid = [event for event in api("GET", f"/streams/order-{order}")["events"] if event["type"] == "OrderPaid"][0]
    page(f"/console/events/{paid['position']}")
    driver.find_element(By.CSS_SELECTOR, "#cause a").click()
    WebDriverWait(driver, 10).until(lambda d: "PaymentSucceeded" in text("main"))
    check(text("main h1").startswith("Event "), "the order's payment links the payment that caused it")
    check("a command" in text("#cause"), "the payment says a command caused it")

    print("--> the payment's causation tree")
    page(f"/console/correlations/{correlation}")
    roots = driver.find_elements(By.CSS_SELECTOR, "ul.tree > li")
    payment = [root for root in roots if "PaymentSucceeded" in root.text]
    check(len(payment) == 1, "the payment is a root of the tree")
    nested = payment[0].find_elements(By.CSS_SELECTOR, "ul li")
    check(any("OrderPaid" in child.text for child in nested), "the order's payment is nested under the payment")
    screenshot("causation")

    print("--> a projection, rebuilt with its button")
    page("/console/projections/shop-views")
    before = int(text("#generation").split()[0])
    check(text("#state") in ["live", "catchingUp", "rebuilding"], f"the projection's state is shown ({text('#state')})")
    driver.find_element(By.CSS_SELECTOR, "section.actions form[action$='/rebuild'] button").click()
    WebDriverWait(driver, 5).until(lambda d: d.switch_to.alert)
    driver.switch_to.alert.accept()
    WebDriverWait(driver, 10).until(lambda d: "done=rebuild-started" in d.current_url)
    check(text("p.notice") == "Rebuild started.", "the rebuild started")
    # Without reloading: the page refreshes its status by itself.
    eventually(lambda: int(text("#generation").split()[0]) == before + 1, "the page shows the rebuild's new generation by itself")
    screenshot("projection")

    print("--> the overview's projections, refreshing themselves")
    page("/console")
    generation = lambda: int(driver.find_element(By.CSS_SELECTOR, "#projections tbody tr td:nth-child(6)").text)
    shown = generation()
    api("POST", "/projections/shop-views/rebuild")
    eventually(lambda: generation() == shown + 1, "the overview shows a rebuild started through the API by itself")
    print("--> every console check passed")
finally:
    driver.quit()
