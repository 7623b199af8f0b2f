"""A bounded crawl of the portal as one signed-in person, collecting what a person should never see.

Starts at the home page, follows every same-site link (GET) it finds, at most ``PER_ROUTE`` pages of each route and
``LIMIT`` pages in all, and records, per page: a 5xx, a link that answers 404 to the person it was shown to, and in
the visible text a Python repr, template syntax, an English word outside ``ALLOWED_WORDS`` or a code where a Chinese
label belongs.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.urls import Resolver404, resolve

LIMIT = 400
PER_ROUTE = 3
#: Never followed: leaving the session, the operator's admin, machine interfaces and files to download.
SKIP_PREFIXES = ("/logout", "/admin/", "/api/", "/static/", "/media/")
SKIP_ROUTES = {"logout"}
#: Words that are names, not English prose (each with why): file formats people know by these names, standards,
#: the patent classification, the sign-in page's product names.
ALLOWED_WORDS = {
    "Excel", "PDF", "CSV", "UTF", "xlsx", "csv", "pdf",  # file formats as people call them
    "GB", "IPC", "ISO",  # standards and the international patent classification
    "API", "OpenAPI", "Token",  # the documented machine interface, named on the help texts
    "TOTP", "ECharts",
    "CIELab",  # the CIE colour space, named so in the patent abstracts the matching explanations quote
}
REPR = re.compile(r"\{'|'\}|\['|'\]|\bTrue\b|\bFalse\b|\bNone\b|object at 0x|<built-in|Decimal\(|datetime\.")
TEMPLATE = re.compile(r"\{\{|\}\}|\{%|%\}")
ENGLISH = re.compile(r"(?<![A-Za-z0-9@./_-])[A-Za-z][A-Za-z]{2,}(?![A-Za-z0-9@_-])")
CODE = re.compile(r"\b[a-z]+_[a-z]+(?:_[a-z]+)*\b|\b[a-z]+-\d{4}\b")


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.text: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template", "noscript"):
            self._hidden += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", "noscript") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.text.append(data.strip())


@dataclass
class Findings:
    visited: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def add(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")


def _route(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _text_problems(text: str, data_words: frozenset = frozenset()) -> list[str]:
    """``data_words``: what people typed that may look like a code (login names such as ``demo_city``)."""
    found = []
    for name, pattern in (("Python 数据", REPR), ("模板语法", TEMPLATE), ("代码", CODE)):
        match = next((m for m in pattern.finditer(text) if m.group(0) not in data_words), None)
        if match:
            start = max(match.start() - 20, 0)
            found.append(f"{name}「{text[start:match.end() + 20]}」")
    # Upper-case abbreviations (LED, PCB, NMP) are how Chinese technical writing names things; English prose and
    # identifiers (descending, feedback, company) are not.
    words = {w for w in ENGLISH.findall(text) if w not in ALLOWED_WORDS and not w.isupper()}
    if words:
        found.append("英文「" + "、".join(sorted(words)[:8]) + "」")
    return found


def crawl(client, *, start: str = "/", limit: int = LIMIT, data_words: frozenset = frozenset()) -> Findings:
    findings = Findings()
    queue: deque[tuple[str, str]] = deque([(start, "(起点)")])
    seen: set[str] = {start}
    per_route: Counter = Counter()
    while queue and len(findings.visited) < limit:
        path, source = queue.popleft()
        route = _route(urlsplit(path).path)
        if route in SKIP_ROUTES:
            continue
        per_route[route] += 1
        if per_route[route] > PER_ROUTE:
            continue
        response = client.get(path)
        findings.visited.append(path)
        if response.status_code >= 500:
            findings.add(path, f"服务器错误 {response.status_code}（链接来自 {source}）")
            continue
        if response.status_code == 404:
            findings.add(path, f"链接指向 404（链接来自 {source}）")
            continue
        if response.status_code in (301, 302):
            target = response["Location"]
            if target.startswith("/") and target not in seen and not target.startswith("/login"):
                seen.add(target)
                queue.append((target, path))
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        page = _Page()
        page.feed(response.content.decode("utf-8", "replace"))
        for problem in _text_problems(" ".join(page.text), data_words):
            findings.add(path, problem)
        for href in page.links:
            link = urldefrag(href)[0]
            if not link.startswith("/") or link.startswith("//") or link.startswith(SKIP_PREFIXES):
                continue
            if link not in seen:
                seen.add(link)
                queue.append((link, path))
    return findings
