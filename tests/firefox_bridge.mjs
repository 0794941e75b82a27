// Drives Firefox for tests/engines.py: Puppeteer over WebDriver BiDi, so no driver is downloaded.
// One JSON command a line on stdin ({id, op, ...}), one JSON answer a line on stdout ({id, value} or {id, error}).
import { createInterface } from "node:readline"
import puppeteer from "puppeteer-core"

const [executablePath, proxyPort] = process.argv.slice(2)
const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath,
  headless: true,
  // A release build reads services.settings.server (below) only with this set.
  env: { ...process.env, MOZ_REMOTE_SETTINGS_DEVTOOLS: "1" },
  extraPrefsFirefox: {
    // Every request for another host goes to the tests' loopback trap, which records it and
    // answers 403: nothing leaves the machine, and nothing goes unnoticed.
    "network.proxy.type": 1,
    "network.proxy.http": "127.0.0.1",
    "network.proxy.http_port": Number(proxyPort),
    "network.proxy.ssl": "127.0.0.1",
    "network.proxy.ssl_port": Number(proxyPort),
    "network.proxy.no_proxies_on": "127.0.0.1",
    // Firefox's own remote settings service would knock at the trap all the time (Mozilla's test
    // profiles use the same dummy).
    "services.settings.server": "data:,#remote-settings-dummy/v1",
    // The reader's system palette is light, as in the other engines.
    "ui.systemUsesDarkTheme": 0,
  },
})
// A new tab, not the one Firefox starts with: that one never gets focus events in a headless window.
const page = await browser.newPage()
let consoleErrors = []
let requests = []
page.on("console", (message) => {
  if (message.type() === "error") consoleErrors.push(`${message.text()} (${message.location()?.url ?? ""})`)
})
page.on("pageerror", (error) => consoleErrors.push(`uncaught: ${error.message ?? error}`))
page.on("request", (request) => requests.push(request.url()))

const ops = {
  async open({ url, width, height }) {
    await page.setViewport({ width, height })
    consoleErrors = []
    requests = []
    await page.goto(url, { waitUntil: "load" })
  },
  evaluate: ({ expression }) => page.evaluate(expression),
  click: ({ selector }) => page.click(selector),
  async press({ key }) {
    const parts = key.split("+") // "Tab", "Control+v": the names Puppeteer uses too
    const main = parts.pop()
    for (const modifier of parts) await page.keyboard.down(modifier)
    await page.keyboard.press(main)
    for (const modifier of parts.reverse()) await page.keyboard.up(modifier)
  },
  type: ({ text }) => page.keyboard.type(text),
  log: () => ({ consoleErrors, requests }),
  version: () => browser.version(),
}

for await (const line of createInterface({ input: process.stdin })) {
  const { id, op, ...args } = JSON.parse(line)
  let answer
  try {
    answer = { id, value: (await ops[op](args)) ?? null }
  } catch (error) {
    answer = { id, error: String(error?.stack ?? error) }
  }
  process.stdout.write(JSON.stringify(answer) + "\n")
}
await browser.close()
