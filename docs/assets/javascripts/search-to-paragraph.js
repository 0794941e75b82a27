// A search result opens its page at the top of the section that matched, with
// the query in ?h= (the theme's search.highlight marks the words). The article
// is one long section, so take the reader on to the first paragraph that holds
// every word of the query, named in the address so :target shows it.
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
