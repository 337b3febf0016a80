"""The dashboard in a real browser: served by ``python -m sim.app`` (``solara run``) on a free
local port, opened by Debian's headless Chromium through Playwright, with no internet.

It changes the scenario, steps, and saves a screenshot of each page (to the test's temporary
folder; with ``SIM_UPDATE_SCREENSHOTS=1`` also to ``docs/images/``, which the README shows).
Skipped when Playwright or a Chromium binary is missing; ``.ci/run`` installs both.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

try:
    from playwright import sync_api
except ImportError:
    sync_api = None

REPO = Path(__file__).resolve().parent.parent
IMAGES = REPO / "docs" / "images"
BROWSERS = ("chromium-headless-shell", "chromium")
SCENARIO = "waico_shanghai"  # a scenario in which every page has something to show
STEPS = 12
pytestmark = pytest.mark.slow  # starting the server and a browser takes half a minute


def _browser() -> str:
    """The system Chromium; without it (or Playwright) skip, but fail in CI, which installs
    both: a browser test that silently skips there proves nothing."""
    path = next((p for name in BROWSERS if (p := shutil.which(name))), None)
    missing = "Playwright (pip install -e '.[test]')" if sync_api is None else None
    if path is None:
        missing = "Chromium (apt-get install chromium-headless-shell)"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser test: {missing} is missing")
        pytest.skip(f"{missing} is missing")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The dashboard served as a student starts it, on a free port; stopped afterwards."""
    _browser()  # skip before starting a server that no browser will open
    port = _free_port()
    log = open(tmp_path_factory.mktemp("server") / "server.log", "w")  # noqa: SIM115
    args = ["--port", str(port), "--host", "127.0.0.1", "--no-open", "--production"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.app", *args],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so the server's workers stop with it
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 240
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the dashboard server did not start; see {log.name}")
        time.sleep(1)
    yield url
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)
    log.close()


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the Vuetify select labelled ``label``."""
    page.locator(".v-select", has=page.get_by_text(label, exact=True)).first.click()
    page.locator(".menuable__content__active .v-list-item", has_text=option).first.click()


def _wait_for_figures(page, heading: str) -> None:
    # A panel's bold heading, not the tab of the same name: the page itself is shown.
    page.locator("strong", has_text=heading).first.wait_for(timeout=120_000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('img')].some(i => i.naturalWidth > 200)",
        timeout=120_000,
    )


def test_page_renders_steps_and_shows_every_page(server, tmp_path):
    browser_path = _browser()
    from sim.dashboard.pages import PAGE_TITLES

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=browser_path, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(120_000)
        page.goto(server)
        page.get_by_text("Regulatory competition in AI governance").first.wait_for()
        counter = page.get_by_text("Step: 0", exact=True)
        if not counter.is_visible():  # the sidebar starts collapsed on narrow windows
            page.locator(".v-app-bar__nav-icon").first.click()
        counter.wait_for()
        _wait_for_figures(page, PAGE_TITLES[0])
        assert "Traceback" not in page.inner_text("body")

        _choose(page, "Scenario", SCENARIO)
        page.get_by_role("button", name="Reset").click()
        page.get_by_text(f"({SCENARIO}, seed 42, ").first.wait_for()
        step = page.get_by_role("button", name="Step")
        step.click()
        page.get_by_text("Step: 1", exact=True).wait_for()
        for n in range(2, STEPS + 1):
            step.click()
            page.get_by_text(f"Step: {n}", exact=True).wait_for()

        shots = []
        for index, title in enumerate(PAGE_TITLES):
            page.get_by_role("tab", name=title).click()
            _wait_for_figures(page, title)
            page.wait_for_timeout(1000)  # let the last figure's image paint
            shots.append(tmp_path / f"dashboard_page{index}.png")
            page.screenshot(path=shots[-1], full_page=True)
        browser.close()

    for shot in shots:
        assert shot.stat().st_size > 20_000, f"{shot.name} looks blank"
    if os.environ.get("SIM_UPDATE_SCREENSHOTS") == "1":
        IMAGES.mkdir(parents=True, exist_ok=True)
        for shot in shots:
            shutil.copy(shot, IMAGES / shot.name)
