"""Web pages: the article's text, read with selectolax (MIT), without navigation, scripts,
forms or footers.

The encoding comes from a byte order mark, else the page's meta charset when the bytes fit
it, else from the bytes as for plain text (with a warning that the declared charset was
wrong). The article is the <article> or <main> element when the page has one, else the
element whose paragraphs hold most of the page's paragraph text (a small readability rule:
trafilatura does more, at the cost of a dozen dependencies), else the body. Block elements
and <br> end lines. Lines and columns count in this text, not in the HTML source.
"""
from __future__ import annotations

import codecs
import re

from ..errors import InputError
from .base import Issue, need
from .text import _decoded, _plausible_chinese, decode_why

_HTML_START = (b"<!doctype html", b"<html", b"<head", b"<meta", b"<body")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_DROP = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg",
         "template", "button", "select", "object", "canvas"]
_BLOCK = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
          "table", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "hr", "td", "th", "figcaption", "main")
_MARK = "\u2029"
_SPACE = re.compile(r"[ \t\r\n\f\v\u00a0]+")
#: charsets pages declare that Python knows by a narrower name
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs"}


def accepts(data: bytes, ext: str) -> bool:
    if ext in (".html", ".htm", ".xhtml"):
        return True
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(_HTML_START)


def _decode(data: bytes, name: str) -> tuple[str, str, list[str], str]:
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_why(data, name)
    m = _CHARSET.search(data[:4096])
    if m:
        declared = m.group(1).decode("ascii", "replace").lower()
        enc = _WIDER.get(declared, declared)
        try:
            codecs.lookup(enc)
        except LookupError:
            enc = None
        if enc:
            text, bad, _ = _decoded(data, enc)
            if bad == 0 and _plausible_chinese(text):
                return text, enc, [], f"meta charset {declared}"
        text, got, warnings, why = decode_why(data, name)
        return text, got, [f"{name}: the page says charset={declared}, but its bytes are {got}; read as {got}"] + warnings, why
    return decode_why(data, name)


def read(data: bytes, name: str) -> Issue:
    lexbor = need("selectolax.lexbor", "html", "web pages", name)
    source, enc, warnings, why = _decode(data, name)
    try:
        tree = lexbor.LexborHTMLParser(source)
    except Exception as exc:  # selectolax raises its own types for pages it cannot parse
        raise InputError(f"{name}: cannot parse this HTML ({exc})") from None
    meta = {}
    title = tree.css_first("title")
    if title is not None and title.text(strip=True):
        meta["title"] = title.text(strip=True)
    for sel in ('meta[property="article:published_time"]', 'meta[name="publishdate"]', 'meta[name="PubDate"]'):
        node = tree.css_first(sel)
        content = (node.attributes.get("content") or "") if node is not None else ""
        if re.match(r"\d{4}-\d\d-\d\d", content):
            meta["date"] = content[:10]
            break
    root = tree.body or tree.root
    if root is None:
        return Issue(name, "", enc, warnings + [f"{name}: empty web page"], "html", reason=why, meta=meta)
    for tag in _DROP:
        for node in root.css(tag):
            node.decompose()
    root = _article(root)
    for node in root.css(",".join(_BLOCK)):
        node.insert_before(_MARK)
        node.insert_after(_MARK)
    lines = [_SPACE.sub(" ", part).strip() for part in root.text(deep=True).split(_MARK)]
    text = "\n".join(line for line in lines if line)
    if not text.strip():
        warnings.append(f"{name}: no article text in this web page")
    return Issue(name, text + "\n" if text else "", enc, warnings, "html", reason=f"HTML, {why}", meta=meta)


def _article(root):
    """The element holding the article."""
    for sel in ("article", "main", '[itemprop="articleBody"]'):
        node = root.css_first(sel)
        if node is not None and len(node.text(strip=True)) > 0:
            return node
    score: dict[int, tuple[int, object]] = {}
    total = 0
    for p in root.css("p"):
        n = len(p.text(strip=True))
        total += n
        parent = p.parent
        if parent is not None:
            key = parent.mem_id
            score[key] = (score.get(key, (0, parent))[0] + n, parent)
    if score and total:
        best, node = max(score.values(), key=lambda x: x[0])
        if best >= 0.5 * total:
            return node
    return root
