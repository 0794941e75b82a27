// A search result (?h=words) opens on the first paragraph holding every word, named in the address
// so that :target marks it; the theme's own results point to the top of the one-section article.
(() => {
  const query = new URLSearchParams(location.search).get("h")
  if (!query || location.hash) return
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  for (const paragraph of document.querySelectorAll(".md-content p[id]")) {
    const text = paragraph.textContent.toLowerCase()
    if (words.every(word => text.includes(word))) {
      location.replace(`#${paragraph.id}`)
      return
    }
  }
})()
