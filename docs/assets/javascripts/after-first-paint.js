// The theme's scripts start once the page's first frame is on screen. Run as
// soon as the page is parsed, their start-up work (a few hundred milliseconds
// on a slow phone) can hold that frame back, and a reader waits for a page
// that has already arrived. overrides/main.html leaves them in the page as
// inert blocks naming each script; here they run in that order, each in a task
// of its own, and the theme then gets the DOMContentLoaded it starts on.
(() => {
  let started = false
  const start = () => {
    if (started) return
    started = true
    const pending = [...document.querySelectorAll("script[data-after-first-paint]")]
    const next = () => {
      const placeholder = pending.shift()
      if (!placeholder) {
        document.dispatchEvent(new Event("DOMContentLoaded"))
        return
      }
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
  // A page opened in a background tab paints only when shown; its scripts need not wait that long.
  setTimeout(start, 3000)
})()
