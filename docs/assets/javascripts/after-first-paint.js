// Runs the theme's scripts, left inert by overrides/main.html (which says why), after the first paint.
(() => {
  let started = false
  const start = () => {
    if (started) return
    started = true
    const pending = [...document.querySelectorAll("script[data-after-first-paint]")]
    const next = () => {
      const placeholder = pending.shift()
      if (!placeholder) return document.dispatchEvent(new Event("DOMContentLoaded"))
      const script = document.createElement("script")
      script.src = placeholder.dataset.afterFirstPaint
      script.onload = script.onerror = () => setTimeout(next)
      placeholder.replaceWith(script)
    }
    next()
  }
  if (window.PerformanceObserver?.supportedEntryTypes?.includes("paint")) {
    new PerformanceObserver(start).observe({ type: "paint", buffered: true })
  } else {
    requestAnimationFrame(() => setTimeout(start))
  }
  setTimeout(start, 3000) // a background tab paints only when shown
})()
