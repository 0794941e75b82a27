"""Chromium, Firefox and WebKit behind one small interface, so that tests/test_engines.py writes each
reader check once and runs it in all three.

- Chromium: Playwright, driving Debian's chromium (CHROMIUM_PATH; see conftest.py).
- Firefox: Puppeteer over WebDriver BiDi (tests/firefox_bridge.mjs), driving Debian's firefox-esr
  (FIREFOX_PATH); BiDi needs no separate driver, so nothing is downloaded.
- WebKit: Selenium against WebKitGTK's WebKitWebDriver (WEBKIT_DRIVER_PATH), driving its MiniBrowser
  (WEBKIT_BROWSER_PATH) on a private Xvfb display.

What each engine lets the tests observe differs; engine_probe.js, which the test server puts first
in every page, records what a page itself can see, the same way in every engine:

| observed                         | Chromium          | Firefox           | WebKit                          |
| -------------------------------- | ----------------- | ----------------- | ------------------------------- |
| CSP violations                   | probe             | probe             | probe                           |
| uncaught errors, console.error() | probe + protocol  | probe + protocol  | probe                           |
| other console errors (engine's)  | protocol          | protocol          | not observable (see WebKitEngine) |
| requests the page makes          | protocol          | protocol          | Resource Timing                 |
| requests for other hosts         | protocol          | protocol + trap   | Resource Timing + trap          |

"trap": Firefox and MiniBrowser send every request for a non-loopback host through ForeignRequestTrap,
a loopback proxy that records it and refuses it.
"""

from __future__ import annotations

import glob
import http.server
import json
import os
import select
import subprocess
import tempfile
import threading
import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, ConsoleMessage

TESTS = Path(__file__).resolve().parent
FIREFOX_PATH = os.environ.get("FIREFOX_PATH", "/usr/bin/firefox-esr")
WEBKIT_DRIVER_PATH = os.environ.get("WEBKIT_DRIVER_PATH", "/usr/bin/WebKitWebDriver")
WEBKIT_BROWSER_PATH = os.environ.get("WEBKIT_BROWSER_PATH") or next(
    iter(sorted(glob.glob("/usr/lib/*/webkit2gtk-4.1/MiniBrowser"))), "MiniBrowser"
)
PROBE_SCRIPT = TESTS / "engine_probe.js"
ANSWER_TIMEOUT = 60  # seconds for one command to an engine, page loads included


class Engine(ABC):
    """One browser process for the session and one page in it, reused from check to check."""

    name: str

    @abstractmethod
    def open(self, url: str, width: int, height: int) -> None:
        """Load url in a viewport of width × height CSS pixels; forget what earlier pages logged."""

    @abstractmethod
    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page; a promise is awaited."""

    @abstractmethod
    def click(self, selector: str) -> None:
        """A pointer click in the middle of the first element the CSS selector finds."""

    @abstractmethod
    def press(self, key: str) -> None:
        """One key ("Tab", "Enter") or a chord ("Control+v"), as the reader's keyboard sends it."""

    @abstractmethod
    def type(self, text: str) -> None:
        """Keystrokes for text, into whatever has focus."""

    @abstractmethod
    def console_errors(self) -> list[str]:
        """Errors the engine reported over its protocol since open(), beyond what the probe saw."""

    @abstractmethod
    def requests(self) -> list[str]:
        """URLs the page requested since open(), as far as this engine shows them."""

    @abstractmethod
    def close(self) -> None: ...

    def call(self, function: str, *args: Any) -> Any:
        """Call a JavaScript function (its source) with JSON arguments."""
        return self.evaluate(f"({function})(...{json.dumps(args)})")

    def wait_for(self, expression: str, what: str, timeout: float = 10) -> Any:
        """Poll until the expression is truthy; fail naming what did not happen."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: {what} (still false after {timeout:.0f} s: {expression})")
            time.sleep(0.1)

    def probe(self) -> dict[str, list[str]]:
        """What engine_probe.js recorded in the current page: CSP violations and errors."""
        recorded = self.evaluate("window.__probe ?? null")
        assert recorded is not None, f"{self.name}: the test server's probe did not run in the page"
        return recorded


class ChromiumEngine(Engine):
    name = "chromium"

    def __init__(self, browser: Browser) -> None:
        self._context = browser.new_context()
        self._page = self._context.new_page()
        self._errors: list[str] = []
        self._requests: list[str] = []
        self._page.on("console", self._on_console)
        self._page.on("pageerror", lambda error: self._errors.append(f"uncaught: {error}"))
        self._page.on("request", lambda request: self._requests.append(request.url))

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self._errors.append(f"{message.text} ({message.location.get('url')})")

    def open(self, url: str, width: int, height: int) -> None:
        self._page.set_viewport_size({"width": width, "height": height})
        self._errors.clear()
        self._requests.clear()
        self._page.goto(url, wait_until="load")

    def evaluate(self, expression: str) -> Any:
        return self._page.evaluate(expression)

    def click(self, selector: str) -> None:
        self._page.click(selector)

    def press(self, key: str) -> None:
        self._page.keyboard.press(key)

    def type(self, text: str) -> None:
        self._page.keyboard.type(text)

    def console_errors(self) -> list[str]:
        return list(self._errors)

    def requests(self) -> list[str]:
        return list(self._requests)

    def close(self) -> None:
        self._context.close()


class FirefoxEngine(Engine):
    """Puppeteer in a Node process (tests/firefox_bridge.mjs), one JSON line per command and answer."""

    name = "firefox"

    def __init__(self, trap_port: int) -> None:
        self._stderr = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            ["node", str(TESTS / "firefox_bridge.mjs"), FIREFOX_PATH, str(trap_port)],
            cwd=TESTS.parent,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        self._next_id = 0
        self.version = self._send("version")

    def _send(self, op: str, **args: Any) -> Any:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._next_id += 1
        self._process.stdin.write(json.dumps({"id": self._next_id, "op": op, **args}).encode() + b"\n")
        self._process.stdin.flush()
        ready, _, _ = select.select([self._process.stdout], [], [], ANSWER_TIMEOUT)
        line = self._process.stdout.readline() if ready else b""
        if not line:
            self._stderr.seek(0)
            raise RuntimeError(
                f"firefox: no answer to {op} within {ANSWER_TIMEOUT} s "
                f"(FIREFOX_PATH={FIREFOX_PATH}):\n{self._stderr.read().decode(errors='replace')[-3000:]}"
            )
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"firefox: {op} {args} failed: {answer['error']}")
        return answer["value"]

    def open(self, url: str, width: int, height: int) -> None:
        self._send("open", url=url, width=width, height=height)

    def evaluate(self, expression: str) -> Any:
        return self._send("evaluate", expression=expression)

    def click(self, selector: str) -> None:
        self._send("click", selector=selector)

    def press(self, key: str) -> None:
        self._send("press", key=key)

    def type(self, text: str) -> None:
        self._send("type", text=text)

    def console_errors(self) -> list[str]:
        return self._send("log")["consoleErrors"]

    def requests(self) -> list[str]:
        return self._send("log")["requests"]

    def close(self) -> None:
        try:
            assert self._process.stdin is not None
            self._process.stdin.close()  # the bridge closes the browser at the end of its input
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        finally:
            self._stderr.close()


# MiniBrowser's toolbar needs 447 px, so GTK would not let its window narrow to a phone's 320 px.
# A user stylesheet for GTK (not for the page) slims the toolbar's buttons and address field.
SLIM_TOOLBAR_CSS = "button, entry { min-width: 0; min-height: 0; padding: 0; margin: 0; border-width: 0; }\n"


class WebKitEngine(Engine):
    """Selenium and WebKitWebDriver, which speaks classic WebDriver only: no console or network events.

    The MiniBrowser writes console messages to its output only when not under automation, so engine
    messages without a DOM event (a failed fetch() already rejects a promise the probe sees) go
    unobserved; requests are read from Resource Timing, and the trap sees any for another host.
    """

    name = "webkit"

    def __init__(self, trap_port: int) -> None:
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service

        self._home = tempfile.TemporaryDirectory(prefix="webkit-")
        gtk_config = Path(self._home.name, "gtk-3.0")
        gtk_config.mkdir()
        (gtk_config / "gtk.css").write_text(SLIM_TOOLBAR_CSS)
        self._xvfb, display = start_xvfb()
        options = Options()
        options.binary_location = WEBKIT_BROWSER_PATH
        for argument in ("--automation", f"--proxy=http://127.0.0.1:{trap_port}", "--ignore-host=127.0.0.1"):
            options.add_argument(argument)
        service = Service(
            executable_path=WEBKIT_DRIVER_PATH,
            env={**os.environ, "DISPLAY": display, "XDG_CONFIG_HOME": self._home.name},
        )
        try:
            self._driver = webdriver.WebKitGTK(options=options, service=service)
        except Exception:
            self._xvfb.terminate()
            raise
        self.version = self._driver.capabilities.get("browserVersion")
        self._chrome_height: int | None = None

    def open(self, url: str, width: int, height: int) -> None:
        if self._chrome_height is None:
            self._driver.set_window_rect(width=width, height=height)
            self._chrome_height = self.evaluate("outerHeight - innerHeight")
        self._driver.set_window_rect(width=width, height=height + self._chrome_height)
        self._driver.get(url)
        size = self.evaluate("[innerWidth, innerHeight]")
        assert size == [width, height], f"webkit: asked for a {width}×{height} viewport, got {size[0]}×{size[1]}"

    def evaluate(self, expression: str) -> Any:
        return self._driver.execute_script(f"return ({expression})")

    def click(self, selector: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.by import By

        # A pointer click, as in the other engines: WebKit's Element Click command refuses a search
        # result (a link around a block) as "not interactable" although a reader can click it. The
        # pointer does not scroll: the caller waits for the element to be in view (test_engines.click).
        element = self._driver.find_element(By.CSS_SELECTOR, selector)
        ActionChains(self._driver).move_to_element(element).click().perform()

    def press(self, key: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        *modifiers, main = key.split("+")
        named = {"Tab": Keys.TAB, "Enter": Keys.ENTER, "Escape": Keys.ESCAPE, "Control": Keys.CONTROL}
        actions = ActionChains(self._driver)
        for modifier in modifiers:
            actions.key_down(named[modifier])
        actions.send_keys(named.get(main, main))
        for modifier in reversed(modifiers):
            actions.key_up(named[modifier])
        actions.perform()

    def type(self, text: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self._driver).send_keys(text).perform()

    def console_errors(self) -> list[str]:
        return []

    def requests(self) -> list[str]:
        return self.evaluate(
            "[location.href, ...performance.getEntriesByType('resource').map(entry => entry.name)]"
        )

    def close(self) -> None:
        try:
            self._driver.quit()
        finally:
            self._xvfb.terminate()
            self._xvfb.wait(timeout=30)
            self._home.cleanup()


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """A private X display for the MiniBrowser window; Xvfb picks a free display number and tells it."""
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1600x1200x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as announcement:
        ready, _, _ = select.select([announcement], [], [], 30)
        number = announcement.readline().strip() if ready else ""
    if not number:
        xvfb.kill()
        raise RuntimeError("Xvfb did not start (is the xvfb package installed?)")
    return xvfb, f":{number}"


class ForeignRequestTrap:
    """A loopback HTTP proxy that records every request it is sent and refuses it (403)."""

    def __init__(self) -> None:
        seen: list[str] = []
        self._seen = seen

        class Refuse(http.server.BaseHTTPRequestHandler):
            def _refuse(self) -> None:
                seen.append(f"{self.command} {self.path}")
                self.send_error(403, "the tests allow no request to another host")

            do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = do_CONNECT = _refuse

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's signature
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
        self.port = self._server.server_port
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def take(self) -> list[str]:
        """What was sent here since the last call."""
        taken, self._seen[:] = list(self._seen), []
        return taken

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
