// Render a CSL-JSON file with citeproc-js, Zotero's CSL engine, in several styles.
// Usage: node tests/citeproc-render.js STYLES_DIR LOCALE.xml RECORD.json STYLE...
// Prints JSON: style -> {bibliography, citation, paragraph}, as HTML,
// where "paragraph" cites the first item's paragraph 5.
"use strict";
const fs = require("fs");
const CSL = require("citeproc");

const [stylesDir, localeFile, recordFile, ...styles] = process.argv.slice(2);
const items = JSON.parse(fs.readFileSync(recordFile, "utf8"));
const byId = Object.fromEntries(items.map((item) => [item.id, item]));
const locale = fs.readFileSync(localeFile, "utf8");
const sys = { retrieveLocale: () => locale, retrieveItem: (id) => byId[id] };

// One engine a style (building one for a long style takes seconds), in HTML: the
// test reads the italics from it and the plain text by dropping the tags.
const rendered = {};
for (const style of styles) {
  const engine = new CSL.Engine(sys, fs.readFileSync(`${stylesDir}/${style}.csl`, "utf8"));
  engine.setOutputFormat("html");
  engine.updateItems(Object.keys(byId));
  const id = items[0].id;
  rendered[style] = {
    bibliography: engine.makeBibliography()[1].map((entry) => entry.trim()),
    // makeCitationCluster keeps no citation history, so a note style gives its full first note both times.
    citation: engine.makeCitationCluster([{ id }]),
    paragraph: engine.makeCitationCluster([{ id, locator: "5", label: "paragraph" }]),
  };
}
process.stdout.write(JSON.stringify(rendered));
