"""Benchmark 5: what a lesson page weighs with its assets; that it asks nothing of other hosts."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser

from bench.client import Browser
from bench.report import Figure, Target

BENCHMARK = "5. Lesson page weight"
MAX_BYTES = 40_000
# Elements whose address the browser fetches by itself (an <a href> waits for a click).
FETCHED = {"link": "href", "script": "src", "img": "src", "source": "src", "iframe": "src"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


@dataclass
class Weighed:
    slug: str
    html_bytes: int
    asset_bytes: dict[str, int] = field(default_factory=dict)
    outside: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.html_bytes + sum(self.asset_bytes.values())


def measure(browser: Browser, slugs: list[str]) -> list[Figure]:
    """Weigh every lesson page as the signed-in learner sees it; report the heaviest."""
    weighed = [weigh(browser, slug) for slug in slugs]
    heaviest = max(weighed, key=lambda page: page.total)
    outside = sorted({address for page in weighed for address in page.outside})
    parts = ", ".join(f"{name} {size:,} B" for name, size in heaviest.asset_bytes.items())
    return [
        Figure(
            BENCHMARK,
            "HTML + CSS + JS, heaviest lesson",
            heaviest.total / 1000,
            "kB",
            Target("<=", MAX_BYTES / 1000),
            digits=1,
            note=(
                f"/lessons/{heaviest.slug}: HTML {heaviest.html_bytes:,} B, {parts} "
                f"(uncompressed; {len(weighed)} lessons weighed)"
            ),
        ),
        Figure(
            BENCHMARK,
            "addresses outside the server",
            len(outside),
            target=Target("==", 0),
            note=", ".join(outside),
        ),
    ]


def weigh(browser: Browser, slug: str) -> Weighed:
    """Fetch one lesson page and everything it makes the browser fetch."""
    page = browser.get(f"/lessons/{slug}")
    if page.status != 200:
        raise RuntimeError(f"/lessons/{slug} answered {page.status}")
    weighed = Weighed(slug, len(page.body))
    finder = _AddressFinder()
    finder.feed(page.text)
    own_host = urllib.parse.urlsplit(browser.base_url).netloc
    pending = list(finder.addresses)
    while pending:
        address = pending.pop()
        if is_outside(address, own_host):
            weighed.outside.append(address)
            continue
        parts = urllib.parse.urlsplit(urllib.parse.urljoin(f"/lessons/{slug}", address))
        if parts.scheme == "data" or parts.path in weighed.asset_bytes:
            continue
        name = parts.path
        path = name + (f"?{parts.query}" if parts.query else "")
        asset = browser.get(path)
        if asset.status != 200:
            raise RuntimeError(f"{path}, referenced by /lessons/{slug}, answered {asset.status}")
        weighed.asset_bytes[name] = len(asset.body)
        if name.endswith(".css"):
            pending.extend(
                urllib.parse.urljoin(path, found)
                for match in CSS_URL.finditer(asset.text)
                for found in match.groups()
                if found
            )
    return weighed


def is_outside(address: str, own_host: str) -> bool:
    """Tell whether an address names a host other than ``own_host`` (``https://…``, ``//…``)."""
    parts = urllib.parse.urlsplit(address)
    if parts.scheme == "data":
        return False
    return parts.netloc not in ("", own_host) or parts.scheme not in ("", "http", "https")


class _AddressFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.addresses: list[str] = []

    def handle_starttag(self, tag, attrs):
        attribute = FETCHED.get(tag)
        for name, value in attrs:
            if not value:
                continue
            if name == attribute:
                self.addresses.append(value)
            elif name == "srcset":
                self.addresses.extend(part.split()[0] for part in value.split(",") if part.strip())
