/**
 * Replacements for epub-gen-memory's EJS templates. Its own ones hard-code the language, write an
 * empty description, a random identifier, the current time, an invented rights statement, and an NCX
 * whose playOrder starts at 0. Ours read everything from `book` (a `PackageView`, see package-view.ts),
 * which the writer passes in as an extra option; `<%= %>` escapes for XML.
 */

/** One XHTML document per page. Chapter fields: `page` (PageDocView) plus the library's own. */
export const CHAPTER_XHTML = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="<%= page.lang %>" lang="<%= page.lang %>">
<head>
<meta charset="UTF-8" />
<title><%= page.title %></title>
<link rel="stylesheet" type="text/css" href="style.css" />
</head>
<body class="<%= page.bodyClass %>"<% if (page.epubType) { %> epub:type="<%= page.epubType %>"<% } %>>
<%- page.body %>
</body>
</html>
`;

export const CONTENT_OPF = `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id" xml:lang="<%= book.lang %>">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:identifier id="book-id"><%= book.identifier %></dc:identifier>
<dc:title id="title"><%= book.title %></dc:title>
<meta refines="#title" property="title-type">main</meta>
<dc:language><%= book.lang %></dc:language>
<% book.creators.forEach(function (c, i) { -%>
<dc:creator id="creator-<%= i + 1 %>"><%= c %></dc:creator>
<meta refines="#creator-<%= i + 1 %>" property="role" scheme="marc:relators">aut</meta>
<% }) -%>
<dc:description><%= book.description %></dc:description>
<% book.subjects.forEach(function (s) { -%>
<dc:subject><%= s %></dc:subject>
<% }) -%>
<% if (book.date) { -%>
<dc:date><%= book.date %></dc:date>
<% } -%>
<% if (book.source) { -%>
<dc:source><%= book.source %></dc:source>
<% } -%>
<% if (book.series) { -%>
<meta property="belongs-to-collection" id="series"><%= book.series.name %></meta>
<meta refines="#series" property="collection-type">series</meta>
<% if (book.series.index !== null) { -%>
<meta refines="#series" property="group-position"><%= book.series.index %></meta>
<% } -%>
<% } -%>
<meta property="dcterms:modified"><%= book.modified %></meta>
<% book.accessibility.forEach(function (a) { -%>
<meta property="<%= a.property %>"><%= a.value %></meta>
<% }) -%>
<% if (book.cover) { -%>
<meta name="cover" content="<%= book.cover.id %>" />
<% } -%>
<meta name="generator" content="ficbind" />
</metadata>
<manifest>
<% book.manifest.forEach(function (m) { -%>
<item id="<%= m.id %>" href="<%= m.href %>" media-type="<%= m.mediaType %>"<% if (m.properties) { %> properties="<%= m.properties %>"<% } %> />
<% }) -%>
</manifest>
<spine toc="ncx">
<% book.spine.forEach(function (s) { -%>
<itemref idref="<%= s %>" />
<% }) -%>
</spine>
</package>
`;

export const TOC_NCX = `<?xml version="1.0" encoding="UTF-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1" xml:lang="<%= book.lang %>">
<head>
<meta name="dtb:uid" content="<%= book.identifier %>" />
<meta name="dtb:depth" content="1" />
<meta name="dtb:totalPageCount" content="0" />
<meta name="dtb:maxPageNumber" content="0" />
</head>
<docTitle><text><%= book.title %></text></docTitle>
<% book.creators.forEach(function (c) { -%>
<docAuthor><text><%= c %></text></docAuthor>
<% }) -%>
<navMap>
<% book.toc.forEach(function (t, i) { -%>
<navPoint id="nav-<%= i + 1 %>" playOrder="<%= i + 1 %>">
<navLabel><text><%= t.title %></text></navLabel>
<content src="<%= t.href %>" />
</navPoint>
<% }) -%>
</navMap>
</ncx>
`;

export const TOC_XHTML = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="<%= book.lang %>" lang="<%= book.lang %>">
<head>
<meta charset="UTF-8" />
<title><%= book.title %></title>
<link rel="stylesheet" type="text/css" href="style.css" />
</head>
<body class="page-nav">
<nav epub:type="toc" id="toc">
<h1 class="contents-title"><%= book.tocTitle %></h1>
<ol>
<% book.toc.forEach(function (t) { -%>
<li><a href="<%= t.href %>"><%= t.title %></a></li>
<% }) -%>
</ol>
</nav>
<nav epub:type="landmarks" id="landmarks" hidden="hidden">
<h2>Landmarks</h2>
<ol>
<% book.landmarks.forEach(function (l) { -%>
<li><a epub:type="<%= l.type %>" href="<%= l.href %>"><%= l.title %></a></li>
<% }) -%>
</ol>
</nav>
</body>
</html>
`;
