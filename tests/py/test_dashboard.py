"""`enrich ui`, the web dashboard: in a real headless Chromium (Debian's chromium and
chromium-driver, driven by Selenium) against the real stack, and its doors over plain HTTP.

A failed browser test saves a screenshot under test-output/screenshots/."""

from __future__ import annotations

import base64
import csv
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg
import pytest
from psycopg.types.json import Jsonb

from pyworker.builtins import COMPANY_WORKFLOW
from pyworker.servers import BackgroundServer
from pyworker.testing import ENRICH
from pyworker.testing.stack import running_stack
from pyworker.ui import app, create_app

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
USER, PASSWORD = "admin", "dashboard-test-password"
SCRIPT = "<script>window.__xss = 1</script>"
SVG = '"><svg onload="window.__xss = 2">'

needs_chromium = pytest.mark.skipif(
    not (shutil.which("chromium") and shutil.which("chromedriver")),
    reason="Debian's chromium and chromium-driver are not installed (make system-deps)",
)


@contextmanager
def dashboard(db_url: str, password: str | None = PASSWORD) -> Iterator[str]:
    with BackgroundServer(create_app(db_url, USER, password)) as server:
        yield server.url


def auth(user: str = USER, password: str = PASSWORD) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@contextmanager
def chromium(tmp_path: Path, name: str) -> Iterator[object]:
    """Headless Chromium sending the dashboard's credentials with every request."""
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager downloads nothing
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = shutil.which("chromium")
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--window-size=1280,900",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):  # fmt: skip
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.set_page_load_timeout(30)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": auth()})
    try:
        yield driver
    except BaseException:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / f"{name}.png"
        driver.save_screenshot(str(shot))
        print(f"screenshot of the failure: {shot}")
        raise
    finally:
        driver.quit()


def people_file(tmp_path: Path) -> Path:
    """The example file, and two rows whose values are markup: one of a real company, one
    that fails at split (a free-mail address), so they show in the lookup and the failures."""
    path = tmp_path / "people.csv"
    header, *rows = (ROOT / "examples" / "people.csv").read_text().splitlines()
    with path.open("w", newline="") as out:
        out.write(header + "\n")
        writer = csv.writer(out, lineterminator="\n")  # first: among the failures' examples
        writer.writerow([SCRIPT, SVG, "CEO", SVG, "evil@umbrella.com.au", "", "", "", "CRM-X1"])
        # (no company name: with only a free-mail address it names no company, and fails)
        writer.writerow([SCRIPT, SVG, "CTO", "", "evil@gmail.com", "", "", "", "CRM-X2"])
        out.write("\n".join(rows) + "\n")
    return path


@needs_chromium
def test_a_user_uploads_watches_downloads_looks_up_and_pauses_in_a_browser(
    db_url: str, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    upload = people_file(tmp_path)
    with (
        running_stack(db_url) as stack,
        stack.workers(2),
        dashboard(db_url) as url,
        chromium(tmp_path, "journey") as browser,
    ):
        wait = WebDriverWait(browser, 60)
        browser.get(url + "/")
        assert "Batches" in browser.find_element(By.TAG_NAME, "h1").text

        # upload: a dry run first, with its estimate, then the load once confirmed
        browser.get(url + "/upload")
        Select(browser.find_element(By.ID, "pipeline")).select_by_value("company")
        browser.find_element(By.ID, "file").send_keys(str(upload))
        browser.find_element(By.ID, "check").click()
        wait.until(lambda b: b.find_elements(By.ID, "estimate"))
        start = browser.find_element(By.ID, "start")
        assert re.search(r"up to [\d,]+ new paid Clay call", start.text), start.text
        start.click()
        wait.until(lambda b: "/batches/" in b.current_url)
        batch = browser.current_url.rsplit("/", 1)[-1]

        # the page follows the batch to COMPLETED by itself: never reloaded
        browser.execute_script("window.__same_page = true")
        # (the free-mail row failed at split: never a bare COMPLETED)
        wait.until(
            lambda b: b.find_element(By.ID, "batch-status").text == "COMPLETED with 1 failed"
        )
        assert browser.execute_script("return window.__same_page") is True

        # markup in the file is shown as text, never run
        browser.refresh()  # (the failures' examples are read when the page is made)
        body = browser.find_element(By.TAG_NAME, "body").text
        assert SCRIPT in body and "evil@gmail.com" in body
        assert browser.execute_script("return window.__xss") is None
        assert browser.execute_script("return document.querySelectorAll('svg[onload]').length") == 0

        # the download is the CLI's export, byte for byte
        downloaded = browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch(arguments[0]).then(r => r.text()).then(done);",
            f"/batches/{batch}/export.csv",
        )
        exported = subprocess.run(
            [ENRICH, "export", batch, "--format", "csv"],
            env={**os.environ, "DATABASE_URL": db_url},
            capture_output=True,
            check=True,
        ).stdout.decode()
        assert downloaded == exported and downloaded.count("\n") == 1 + 302  # header, rows

        # an entity, found by a domain: its state, result and rows (markup as text)
        browser.get(url + "/entities")
        browser.find_element(By.ID, "q").send_keys("https://www.UMBRELLA.com.au/about")
        browser.find_element(By.ID, "lookup").click()
        card = wait.until(lambda b: b.find_element(By.CSS_SELECTOR, ".entity"))
        assert "umbrella.com.au" in card.text and "COMPLETED" in card.text
        assert SVG in card.text
        assert browser.execute_script("return window.__xss") is None

        # pause, then resume, each confirmed on its own page
        for action, state in (("pause", "paused"), ("resume", "running")):
            browser.get(url + "/workflows")
            browser.find_element(By.ID, f"{action}-{COMPANY_WORKFLOW}").click()
            browser.find_element(By.ID, "confirm").click()
            wait.until(lambda b: b.current_url.endswith("/workflows"))
            card = browser.find_element(By.ID, f"workflow-{COMPANY_WORKFLOW}")
            assert card.find_element(By.CLASS_NAME, "workflow-state").text == state

        # readable on a phone: no horizontal scrolling of the page at 375 px
        browser.set_window_size(375, 800)
        for page in ("/", f"/batches/{batch}", "/workflows", "/spend", "/upload"):
            browser.get(url + page)
            assert browser.execute_script(
                "return document.documentElement.scrollWidth <= window.innerWidth"
            ), page


@needs_chromium
def test_a_stall_and_failures_show_as_they_happen_without_a_reload(
    db_url: str, tmp_path: Path
) -> None:
    """No worker: a banner says so; a worker starts: it goes. Clay failing every call: the
    failure group appears, the batch ends COMPLETED with N failed, the list counts them."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    people = tmp_path / "people.csv"
    people.write_text("email\nann@acme.com\nbo@beta.io\ncy@gamma.org\nx@gmail.com\n")
    with running_stack(db_url, fail_rate=1.0) as stack:
        stack.configure(COMPANY_WORKFLOW, max_attempts=1)
        loaded = subprocess.run(
            [ENRICH, "load", str(people), "--pipeline", "company", "--name", "Q3 leads"],
            env={**os.environ, "DATABASE_URL": db_url},
            capture_output=True,
            text=True,
            check=True,
        )
        batch = loaded.stdout.split()[-1]
        with dashboard(db_url) as url, chromium(tmp_path, "stall") as browser:
            wait = WebDriverWait(browser, 60)
            browser.get(url + f"/batches/{batch}")
            banner = browser.find_element(By.CSS_SELECTOR, "[data-live-show=no_worker]")
            assert banner.is_displayed() and "no worker running" in banner.text
            assert "Q3 leads" in browser.find_element(By.TAG_NAME, "h1").text
            groups = lambda b: b.find_elements(By.CSS_SELECTOR, "details[data-key]")  # noqa: E731
            assert len(groups(browser)) == 1  # the free-mail row, failed at split
            browser.execute_script("window.__same_page = true")
            with stack.workers(1):
                wait.until(lambda b: not banner.is_displayed())
                wait.until(lambda b: len(groups(b)) == 2)  # Clay's failures, as they happen
                wait.until(
                    lambda b: (
                        b.find_element(By.ID, "batch-status").text == "COMPLETED with 4 failed"
                    )
                )
            assert browser.execute_script("return window.__same_page") is True
            assert COMPANY_WORKFLOW in groups(browser)[0].text + groups(browser)[1].text

            browser.get(url + "/")
            row = browser.find_element(By.CSS_SELECTOR, f"tr[data-batch='{batch}']")
            assert "COMPLETED with 4 failed" in row.text and "Q3 leads" in row.text
            # finished work needs no worker: no banner, though none runs now
            assert not browser.find_element(By.CSS_SELECTOR, "[data-live-any]").is_displayed()


@needs_chromium
def test_the_batch_list_pages_and_filters(db_url: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    with psycopg.connect(db_url, autocommit=True) as conn:
        for n in range(53):  # 53 batches, one of them failing, named after their "files"
            email = "x@gmail.com" if n == 7 else f"p{n}@acme{n}.com"
            batch = conn.execute(
                "select enrich.create_batch('company', %s)", (Jsonb([{"email": email}]),)
            ).fetchone()[0]
            conn.execute("select enrich.set_batch_source(%s, %s, ',')", (batch, f"leads-{n}.csv"))
    with dashboard(db_url) as url, chromium(tmp_path, "list") as browser:
        rows = lambda b: b.find_elements(By.CSS_SELECTOR, "tr[data-batch]")  # noqa: E731
        browser.get(url + "/")
        assert len(rows(browser)) == 50 and "leads-52.csv" in rows(browser)[0].text
        browser.find_element(By.ID, "older").click()
        assert [r.text.split()[0] for r in rows(browser)] == [
            "leads-2.csv", "leads-1.csv", "leads-0.csv"
        ]  # fmt: skip
        assert not browser.find_elements(By.ID, "older")
        browser.get(url + "/")
        Select(browser.find_element(By.ID, "filter-status")).select_by_value("failed")
        browser.find_element(By.ID, "filter").click()
        assert [r.text.split()[0] for r in rows(browser)] == ["leads-7.csv"]
        assert "COMPLETED with 1 failed" in rows(browser)[0].text
        browser.get(url + "/")
        browser.find_element(By.ID, "filter-q").send_keys("LEADS-1")
        browser.find_element(By.ID, "filter").click()
        assert len(rows(browser)) == 11  # leads-1, leads-10 ... leads-19
        bogus = httpx.get(url + "/?status=bogus", headers=auth(), timeout=30)
        assert bogus.status_code == 400 and "status: one of" in bogus.text
        browser.set_window_size(375, 800)
        browser.get(url + "/")
        assert browser.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth"
        )


def test_every_page_needs_the_password(db_url: str) -> None:
    pages = [
        *("/", "/upload", "/workflows", "/entities?q=x.com", "/spend", "/metrics"),
        *("/live/batches", "/static/style.css", "/batches/00000000-0000-0000-0000-000000000000"),
    ]
    with dashboard(db_url) as url:
        for page in pages:
            assert httpx.get(url + page).status_code == 401, page
            wrong = httpx.get(url + page, headers=auth(password="wrong-password-123"))
            assert wrong.status_code == 401, page
            assert wrong.headers["www-authenticate"].startswith("Basic")
        assert httpx.get(url + "/", headers=auth()).status_code == 200


def test_a_form_posted_from_another_site_changes_nothing(db_url: str) -> None:
    with dashboard(db_url) as url, httpx.Client(base_url=url, headers=auth()) as client:
        page = client.get(f"/workflows/{COMPANY_WORKFLOW}/pause").text
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        action = f"/workflows/{COMPANY_WORKFLOW}/pause"
        refused = [
            client.post(action, data={}),  # no token
            client.post(action, data={"csrf": "0" * 64}),  # a wrong one
            client.post(action, data={"csrf": token}, headers={"Origin": "http://evil.test"}),
            client.post(action, data={"csrf": token}, headers={"Sec-Fetch-Site": "cross-site"}),
        ]
        assert [r.status_code for r in refused] == [403] * 4
        assert "running" in client.get("/workflows").text
        done = client.post(action, data={"csrf": token}, headers={"Origin": url})
        assert done.status_code == 303
        assert 'class="workflow-state">paused' in client.get("/workflows").text


def test_without_a_password_it_only_listens_on_loopback(db_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENRICH_UI_")}
    refused = subprocess.run(
        [ENRICH, "ui", "--host", "0.0.0.0", "--port", "9"],
        env={**env, "DATABASE_URL": db_url},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert refused.returncode == 2 and "ENRICH_UI_PASSWORD" in refused.stderr
    short = subprocess.run(
        [ENRICH, "ui", "--host", "0.0.0.0", "--port", "9"],
        env={**env, "DATABASE_URL": db_url, "ENRICH_UI_PASSWORD": "short"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert short.returncode == 2 and "at least 12" in short.stderr


def test_metrics_name_webhooks_by_position_and_bad_input_is_refused(db_url: str) -> None:
    with dashboard(db_url) as url, httpx.Client(base_url=url, headers=auth()) as client:
        metrics = client.get("/metrics").text
        assert f'enrich_dispatches_queued{{workflow="{COMPANY_WORKFLOW}"}} 0.0' in metrics
        assert (
            f'enrich_webhook_submissions_left{{webhook="1",workflow="{COMPANY_WORKFLOW}"}} 50000.0'
            in metrics
        )
        assert "127.0.0.1:9" not in metrics  # a webhook URL is a credential: never a label
        assert client.get("/batches/not-a-uuid").status_code == 404
        assert client.get("/workflows/nope/pause").status_code == 404
        assert client.get(f"/workflows/{COMPANY_WORKFLOW}/delete").status_code == 404
        budget = client.get(f"/workflows/{COMPANY_WORKFLOW}/budget", params={"daily_budget": "-3"})
        assert budget.status_code == 400
        looked_up = client.get("/entities", params={"q": "<b>x</b>.com"}).text
        assert "<b>x</b>" not in looked_up and "&lt;b&gt;x&lt;/b&gt;.com" in looked_up


def test_without_a_password_it_answers_only_to_a_loopback_host_and_is_never_framed(
    db_url: str,
) -> None:
    with dashboard(db_url, password=None) as url:
        port = url.rsplit(":", 1)[1]
        rebound = httpx.get(url + "/workflows", headers={"Host": f"attacker.example:{port}"})
        assert rebound.status_code == 421  # a site whose name resolves to 127.0.0.1: refused
        page = httpx.get(url + "/workflows", headers={"Host": f"localhost:{port}"})
        assert page.status_code == 200
        assert page.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def test_odd_requests_get_a_clear_answer_not_a_crash(db_url: str) -> None:
    with dashboard(db_url) as url, httpx.Client(base_url=url, headers=auth()) as client:
        assert client.get("/live/batches/00000000-0000-0000-0000-000000000000").status_code == 404
        budget = client.get(f"/workflows/{COMPANY_WORKFLOW}/budget", params={"daily_budget": "²"})
        assert budget.status_code == 400
        assert client.get("/entities", params={"q": "acme.com\x00"}).status_code == 200
        cross_site = client.post(
            "/upload", data={"csrf": "wrong"}, files={"file": ("a.csv", b"email\na@acme.com\n")}
        )
        assert cross_site.status_code == 403
        page = client.get("/upload").text
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
        assert token not in re.sub(r'name="csrf" value="[0-9a-f]+"', "", page)  # never in a URL
        limit, app.UPLOAD_LIMIT = app.UPLOAD_LIMIT, 100  # (refused by its announced size)
        try:
            huge = client.post(
                "/upload", data={"csrf": token}, files={"file": ("a.csv", b"x" * 500)}
            )
        finally:
            app.UPLOAD_LIMIT = limit
        assert huge.status_code == 413


def test_the_upload_form_takes_what_the_cli_takes_as_options(db_url: str) -> None:
    """Encoding and column choices are form fields, and the errors name them, not flags; a
    workbook is told to be saved as CSV."""
    latin = "email,first_name\nann@acme.com,Zoë\n".encode("cp1252")
    twins = b"Email,E-mail\nann@acme.com,bo@acme.com\n"
    with dashboard(db_url) as url, httpx.Client(base_url=url, headers=auth()) as client:
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get("/upload").text).group(1)

        def upload(name: str, content: bytes, **fields: str) -> httpx.Response:
            return client.post(
                "/upload",
                data={"csrf": token, "pipeline": "company", **fields},
                files={"file": (name, content)},
                timeout=60,
            )

        refused = upload("old.csv", latin)
        assert refused.status_code == 400 and "the Encoding choice" in refused.text
        assert "--encoding" not in refused.text
        checked = upload("old.csv", latin, encoding="cp1252")
        assert checked.status_code == 200 and 'id="estimate"' in checked.text
        assert 'name="csrf"' in checked.text  # its confirmation form, token in the body
        workbook = upload("leads.xlsx", b"PK\x03\x04" + b"\x00" * 200)
        assert workbook.status_code == 400 and "save its sheet as CSV" in workbook.text
        bad = upload("twins.csv", twins, columns="Email=nonsense")
        assert bad.status_code == 400 and "Column choices" in bad.text
        chosen = upload("twins.csv", twins, columns="E-mail=email")
        assert chosen.status_code == 200, chosen.text
        assert upload("x.csv", latin, encoding="klingon").status_code == 400


def test_a_download_given_up_half_way_gives_its_connection_back(db_url: str) -> None:
    import psycopg

    rows = [{"email": f"p{n}@company{n % 500}.com", "note": "x" * 200} for n in range(20_000)]
    from pyworker.testing.stack import create_batch

    batch = create_batch(db_url, "company", rows)
    with dashboard(db_url) as url, httpx.Client(base_url=url, headers=auth()) as client:
        for _ in range(6):  # more than the exports allowed at once
            with client.stream("GET", f"/batches/{batch}/export.csv") as download:
                next(download.iter_bytes())  # the first chunk, then the browser goes away

        def copying() -> int:
            with psycopg.connect(db_url) as conn:
                return conn.execute(
                    "select count(*) from pg_stat_activity"
                    " where datname = current_database() and query like 'copy (%'"
                    " and state <> 'idle' and pid <> pg_backend_pid()"
                ).fetchone()[0]

        from pyworker.testing.wait import wait_for

        wait_for(lambda: copying() == 0, timeout=20, what="the exports' transactions to end")
        assert client.get("/").status_code == 200
