// Put first in every page by the engine tests' server (tests/test_engines.py), straight after the
// CSP <meta>: records, the same way in every engine, what the page itself can see go wrong.
(() => {
  const probe = (window.__probe = { csp: [], errors: [] })
  document.addEventListener("securitypolicyviolation", (event) => {
    probe.csp.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`)
  })
  // Capturing, so that a script, style or image that fails to load is reported too.
  window.addEventListener("error", (event) => {
    const source = event.target?.src || event.target?.href
    probe.errors.push(source ? `failed to load ${source}` : `uncaught: ${event.message} (${event.filename}:${event.lineno})`)
  }, true)
  window.addEventListener("unhandledrejection", (event) => probe.errors.push(`unhandled rejection: ${event.reason}`))
  const consoleError = console.error
  console.error = (...args) => {
    probe.errors.push(`console.error: ${args.join(" ")}`)
    consoleError.apply(console, args)
  }
})()
