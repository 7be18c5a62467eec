"""Load every page of the built site in a real headless browser, offline, and check it.

Usage (from the repository root, after ``sphinx-build -b html docs docs/_build/html``)::

    python docs/check_site.py docs/_build/html
    python docs/check_site.py docs/_build/html --skip-if-no-browser   # what CI runs
    python docs/check_site.py docs/_build/html --screenshots /tmp/shots --page kr_dual.html

Each page is opened from disk (``file://``) in the system's Chromium, driven by Selenium
through the system's ``chromedriver`` (Debian: ``apt-get install chromium chromium-driver``;
nothing is downloaded at run time). Every host name resolves to nothing, so the check sees
the site exactly as a reader without a network does. A page fails when

* it asks for anything that is not a local file (a CDN script, font or image),
* a formula is left as raw LaTeX (a ``.math`` element that MathJax did not typeset),
  MathJax reports a TeX error (``mjx-merror``) or draws an undefined macro (red text),
* a display formula is wider than its text column (split it with ``aligned`` or
  ``multline``: a reader at 1280 px would have to scroll, or would not see its end),
* TeX shows through as text: a backtick in a typeset formula (MathJax draws TeX's backtick as
  a left quote, the sign of a ``:math:`` role around an inline literal) or in prose, or a
  backslash-word such as ``\\frac`` in prose or in a formula's text (code blocks, literals
  and signatures are exempt),
* an image does not load (``naturalWidth == 0``),
* a figure is shown below 40 % of its natural width, or so small that its smallest text is
  under 8 px as shown (the text sizes come from ``_static/figure_text.json``, which the
  gallery's scraper writes, see ``docs/_ext/figure_text.py``; gallery thumbnails and icons
  under 64 px are exempt; the browser runs at a device pixel ratio of 1),
* a slider (``input[type=range]``) changes nothing on the page when it is moved (the
  interactive figures must work offline, from the page alone),
* a link points to a local file that does not exist, or to an anchor (``#id``) that the
  target page does not have,
* the browser's console logs an error (a JavaScript exception, a failed resource).

External ``http(s)`` links are counted, not followed. The exit status is 0 when every page
passes, 1 when one fails, and 2 when no browser is found (0 with ``--skip-if-no-browser``,
which prints ``SKIPPED`` and the reason instead: CI machines without Chromium stay green,
and the log says the check did not run).
"""

from __future__ import annotations

import argparse
import html.parser
import json
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["PageReport", "check_pages", "find_browser", "main"]

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
DRIVER_NAMES = ("chromedriver",)
#: The gallery figures' text sizes, relative to the site (written by docs/_ext/figure_text.py).
TEXT_SIZES = "_static/figure_text.json"

# The flags that work in a container without a display, with no network traffic of the
# browser's own (updates, sync, field trials) and no DNS: every host resolves to nothing.
CHROME_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--allow-file-access-from-files",
)

# Runs in the page: waits for MathJax (if the page loads it) and reports what a reader sees.
_INSPECT_JS = r"""
const done = arguments[arguments.length - 1];
const textSizes = arguments[0] || {};
const MIN_FIGURE_RATIO = 0.4, MIN_TEXT_PX = 8, MIN_IMAGE_PX = 64;
// elements whose text may show TeX or backticks on purpose: code, literals, signatures
const EXEMPT = 'script, style, pre, code, kbd, samp, tt, textarea, .highlight, .sig, ' +
               'mjx-container, .math, .sphx-glr-script-out, [data-interactive] script';
const proseProblems = () => {
  const found = [];
  const root = document.querySelector('article') || document.body;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent;
    if (!/[`\\]/.test(text) || node.parentElement.closest(EXEMPT)) continue;
    const bit = (i) => text.slice(Math.max(0, i - 30), i + 30).replace(/\s+/g, ' ').trim();
    const tick = text.indexOf('`');
    if (tick >= 0) found.push('stray backtick in text: ' + JSON.stringify(bit(tick)));
    const macro = text.search(/\\[A-Za-z]{2,}/);
    if (macro >= 0) found.push('TeX in text: ' + JSON.stringify(bit(macro)));
  }
  return found;
};
const mathText = (c) => (c.querySelector('mjx-assistive-mml') || c).textContent;
const mathProblems = () => {
  const found = [];
  for (const c of document.querySelectorAll('mjx-container')) {
    // a TeX error or an undefined macro is reported as such, once
    if (c.querySelector('mjx-merror, mjx-mtext[style*="color: red"]')) continue;
    const text = mathText(c);
    if (/[`\u2018]/.test(text)) found.push('stray backtick in math: ' +
                                           JSON.stringify(text.slice(0, 60)));
    else if (/\\[A-Za-z]{2,}/.test(text)) found.push('TeX in math text: ' +
                                                     JSON.stringify(text.slice(0, 60)));
  }
  return found;
};
const wideDisplays = () => {
  const found = [];
  const displays = Array.from(document.querySelectorAll('mjx-container[display="true"]'));
  for (const c of displays) {
    const content = c.querySelector('mjx-math') || c;
    const width = content.getBoundingClientRect().width;
    const column = c.closest('div.math') || c.parentElement;
    const style = getComputedStyle(column);
    let room = column.clientWidth - parseFloat(style.paddingLeft) -
               parseFloat(style.paddingRight);
    const article = c.closest('article');
    if (article) room = Math.min(room, article.clientWidth);
    if (width > room + 1) found.push(`display formula ${Math.round(width)} px wide in a ` +
        `${Math.round(room)} px column: ` + JSON.stringify(mathText(c).slice(0, 60)));
  }
  return [displays.length, found];
};
const figureProblems = () => {
  const found = [];
  for (const img of document.images) {
    if (!(img.complete && img.naturalWidth > 0)) continue;    // reported as broken
    if (img.closest('.sphx-glr-thumbcontainer')) continue;      // gallery thumbnails
    const shown = img.getBoundingClientRect().width;
    if (shown === 0 || img.naturalWidth < MIN_IMAGE_PX) continue;   // hidden, or an icon
    const ratio = shown / img.naturalWidth;
    const name = decodeURIComponent((img.currentSrc || img.src).split('/').pop());
    if (ratio < MIN_FIGURE_RATIO) found.push(`figure shown at ${Math.round(100 * ratio)} % ` +
        `of its natural width (${Math.round(shown)} of ${img.naturalWidth} px): ${name}`);
    const size = textSizes[name];
    if (size && size.min_text_px * ratio < MIN_TEXT_PX) found.push(
        `figure text ${(size.min_text_px * ratio).toFixed(1)} px high as shown ` +
        `(${JSON.stringify(size.text)}): ${name}`);
  }
  return found;
};
const sliderProblems = () => {
  const found = [];
  const sliders = Array.from(document.querySelectorAll('input[type="range"]'));
  for (const input of sliders) {
    const box = input.closest('[data-interactive]') || input.parentElement.parentElement;
    const before = box.innerHTML, old = input.value;
    input.value = Number(old) === Number(input.max || 100) ? input.min || 0 : input.max || 100;
    input.dispatchEvent(new Event('input', {bubbles: true}));
    input.dispatchEvent(new Event('change', {bubbles: true}));
    const after = box.innerHTML;
    input.value = old;
    input.dispatchEvent(new Event('input', {bubbles: true}));
    input.dispatchEvent(new Event('change', {bubbles: true}));
    if (before === after) found.push('a slider changes nothing when moved: ' +
                                     (input.id || input.getAttribute('aria-label') || '?'));
  }
  return [sliders.length, found];
};
const report = () => {
  const math = Array.from(document.querySelectorAll('.math'));
  const raw = math.filter(e => !e.querySelector('mjx-container, .katex'))
                  .map(e => e.textContent.trim().slice(0, 80));
  const errors = Array.from(document.querySelectorAll('mjx-merror'))
                  .map(e => (e.getAttribute('data-mjx-error') || e.textContent).slice(0, 80));
  // MathJax's noundefined extension draws an unknown macro as red text instead of an error
  const undefinedMacros = Array.from(document.querySelectorAll('mjx-container'))
                  .flatMap(c => Array.from(c.querySelectorAll('mjx-mtext[style*="color: red"]')))
                  .map(e => e.closest('mjx-container').querySelector('mjx-assistive-mml')
                            ?.textContent.slice(0, 80) || '?');
  const imgs = Array.from(document.images);
  const broken = imgs.filter(i => !(i.complete && i.naturalWidth > 0))
                     .map(i => i.getAttribute('src'));
  const links = Array.from(document.querySelectorAll('a[href]')).map(a => a.href);
  const [displays, wide] = wideDisplays();
  const [sliders, deadSliders] = sliderProblems();
  const readable = [...wide, ...mathProblems(), ...proseProblems(), ...figureProblems(),
                    ...deadSliders];
  done(JSON.stringify({math: math.length, raw: raw, texErrors: errors, undef: undefinedMacros,
                       images: imgs.length, brokenImages: broken, links: links,
                       displays: displays, sliders: sliders, readable: readable,
                       hasMathJax: !!(window.MathJax && window.MathJax.startup)}));
};
const wait = (tries) => {
  if (window.MathJax && window.MathJax.startup && window.MathJax.startup.promise) {
    window.MathJax.startup.promise.then(report, report);
  } else if (tries > 0 && document.querySelector('.math')) {
    setTimeout(() => wait(tries - 1), 100);   // MathJax is deferred: give it 5 s to appear
  } else {
    report();
  }
};
const imagesLoaded = () => Promise.all(Array.from(document.images).map(
  i => i.complete ? null : new Promise(r => { i.onload = r; i.onerror = r; })));
imagesLoaded().then(() => wait(50));
"""


@dataclass
class PageReport:
    """What the browser saw on one page; ``problems`` is empty when the page passes."""

    page: str
    math: int = 0
    images: int = 0
    displays: int = 0
    sliders: int = 0
    local_links: int = 0
    external_links: int = 0
    problems: list[str] = field(default_factory=list)


def find_browser() -> tuple[str, str] | str:
    """Return (browser, driver) paths, or a sentence saying what is missing."""
    browser = next((p for p in map(shutil.which, BROWSER_NAMES) if p), None)
    driver = next((p for p in map(shutil.which, DRIVER_NAMES) if p), None)
    if browser and driver:
        return browser, driver
    missing = [n for n, p in (("Chromium", browser), ("chromedriver", driver)) if not p]
    return (
        f"no {' and no '.join(missing)} on PATH (looked for {', '.join(BROWSER_NAMES)} and "
        f"{', '.join(DRIVER_NAMES)}; Debian: apt-get install -y chromium chromium-driver)"
    )


class _Ids(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)


def _anchors(path: Path, cache: dict[Path, set[str]]) -> set[str]:
    if path not in cache:
        parser = _Ids()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        cache[path] = parser.ids
    return cache[path]


def _check_link(href: str, root: Path, cache: dict[Path, set[str]]) -> str | None:
    parts = urlsplit(href)
    if parts.scheme != "file":
        return None
    target = Path(unquote(parts.path))
    if not target.exists():
        return f"broken link: {target.relative_to(root) if target.is_relative_to(root) else target}"
    if parts.fragment and target.suffix == ".html":
        fragment = unquote(parts.fragment)
        if fragment not in _anchors(target, cache):
            return f"broken anchor: {target.name}#{fragment}"
    return None


def _text_sizes(root: Path) -> dict:
    """The gallery figures' smallest text, in image pixels (docs/_ext/figure_text.py)."""
    path = root / TEXT_SIZES
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _driver(browser: str, driver_path: str, width: int, profile: str):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},900")
    options.add_argument("--force-device-scale-factor=1")  # figures' sizes in CSS px
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    drv = webdriver.Chrome(service=Service(driver_path), options=options)
    drv.set_script_timeout(30)
    drv.set_page_load_timeout(60)
    return drv


def _requests(drv) -> list[str]:
    urls = []
    for entry in drv.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _screenshot(drv, path: Path) -> None:
    metrics = drv.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics["cssContentSize"]
    shot = drv.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
        },
    )
    import base64

    path.write_bytes(base64.b64decode(shot["data"]))


def check_pages(
    root: Path,
    pages: list[Path],
    browser: str,
    driver_path: str,
    *,
    width: int = 1280,
    screenshots: Path | None = None,
) -> list[PageReport]:
    """Open each page in the browser and return one :class:`PageReport` per page."""
    reports = []
    cache: dict[Path, set[str]] = {}
    text_sizes = _text_sizes(root)
    with tempfile.TemporaryDirectory(prefix="check_site_profile_") as profile:
        drv = _driver(browser, driver_path, width, profile)
        try:
            drv.get("about:blank")  # let the browser finish starting before the first page
            for page in pages:
                rel = page.relative_to(root).as_posix()
                report = PageReport(rel)
                drv.get_log("browser")  # drop what the previous page left
                drv.get_log("performance")
                drv.get(page.as_uri())
                seen = json.loads(drv.execute_async_script(_INSPECT_JS, text_sizes))
                report.math, report.images = seen["math"], seen["images"]
                report.displays, report.sliders = seen["displays"], seen["sliders"]
                report.problems.extend(seen["readable"])
                for text in seen["raw"]:
                    report.problems.append(f"unrendered math: {text!r}")
                for text in seen["texErrors"]:
                    report.problems.append(f"TeX error: {text!r}")
                for text in seen["undef"]:
                    report.problems.append(f"undefined TeX macro: {text!r}")
                for src in seen["brokenImages"]:
                    report.problems.append(f"broken image: {src}")
                for href in seen["links"]:
                    scheme = urlsplit(href).scheme
                    if scheme in ("http", "https"):
                        report.external_links += 1
                    elif scheme == "file":
                        report.local_links += 1
                        problem = _check_link(href, root, cache)
                        if problem:
                            report.problems.append(problem)
                for url in _requests(drv):
                    # the browser's own chrome:// pages are not the site's; anything that
                    # goes over a network is
                    if urlsplit(url).scheme in ("http", "https", "ws", "wss", "ftp"):
                        report.problems.append(f"network request (offline site?): {url}")
                for entry in drv.get_log("browser"):
                    if entry["level"] == "SEVERE":
                        report.problems.append(f"console error: {entry['message'][:200]}")
                if screenshots is not None:
                    screenshots.mkdir(parents=True, exist_ok=True)
                    _screenshot(drv, screenshots / (rel.replace("/", "__")[:-5] + ".png"))
                reports.append(report)
        finally:
            drv.quit()
    return reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, nargs="?", default=Path("docs/_build/html"))
    parser.add_argument(
        "--page",
        action="append",
        default=[],
        help="check only this page (relative to SITE); repeatable",
    )
    parser.add_argument(
        "--screenshots",
        type=Path,
        default=None,
        help="write a full-page PNG of every checked page into this folder",
    )
    parser.add_argument("--width", type=int, default=1280, help="window width in CSS px")
    parser.add_argument(
        "--skip-if-no-browser",
        action="store_true",
        help="exit 0 (printing SKIPPED) when Chromium or chromedriver is missing",
    )
    args = parser.parse_args(argv)

    root = args.site.resolve()
    if not (root / "index.html").is_file():
        print(f"check_site: {root} has no index.html; build the site first", file=sys.stderr)
        return 2
    found = find_browser()
    if isinstance(found, str):
        print(f"check_site: SKIPPED, the site was NOT checked in a browser: {found}")
        return 0 if args.skip_if_no_browser else 2
    try:
        import selenium  # noqa: F401
    except ImportError:
        print(
            "check_site: SKIPPED, the site was NOT checked: selenium is not installed "
            "(pip install -e '.[docs]')"
        )
        return 0 if args.skip_if_no_browser else 2

    if args.page:
        pages = [root / p for p in args.page]
    else:
        pages = sorted(
            p
            for p in root.rglob("*.html")
            if not p.relative_to(root).parts[0].startswith("_")  # _static, _sources, _modules
        )
    start = time.perf_counter()
    reports = check_pages(root, pages, *found, width=args.width, screenshots=args.screenshots)
    failed = [r for r in reports if r.problems]
    for r in failed:
        print(f"FAIL {r.page}")
        for problem in r.problems[:20]:
            print(f"    {problem}")
        if len(r.problems) > 20:
            print(f"    ... and {len(r.problems) - 20} more")
    print(
        f"check_site: {len(reports)} pages in {time.perf_counter() - start:.0f} s with "
        f"{Path(found[0]).name}: {sum(r.math for r in reports)} formulas, "
        f"{sum(r.images for r in reports)} images, {sum(r.local_links for r in reports)} "
        f"local links checked ({sum(r.external_links for r in reports)} external links not "
        f"followed); {len(failed)} page(s) failed"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
