// The one escaper for markup the page writes as text: HTML (the report, the
// clipboard's table) and SVG (exported figures, also placed in the report).
// Every text from a file or a link (column names, levels, labels, the file
// name, the spec) reaches markup only through it. It escapes the five
// characters that can end a text or a quoted attribute value or start a tag
// or an entity; &#39; (not &apos;) reads the same in HTML and in XML.
//
//   escapeHtml(text) -> string   null/undefined -> ''; anything else via String()
//   Safe in element content and in attribute values quoted with " or '.
//   tests/node/html.test.mjs checks it through an HTML and an XML parser.

const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (text) => String(text ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
