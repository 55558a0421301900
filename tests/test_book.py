"""The book builds with warnings as errors, and the built pages show what a reader should see.

The browser check drives Debian's Chromium (`/usr/bin/chromium`, installed by `.ci/run`) through
Playwright's Python package; no browser is downloaded. Pages are opened from the file system.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import i18n
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPO = CONFIG["repository"]["url"].removeprefix("https://github.com/")
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def built_book():
    jb = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run([str(jb), "build", ".", "-W", "--keep-going"], cwd=ROOT, capture_output=True, text=True)
    warnings = [line for line in result.stdout.splitlines() + result.stderr.splitlines() if "WARNING" in line]
    assert result.returncode == 0, "book build failed:\n" + "\n".join(warnings or [result.stdout[-3000:]])
    i18n.build()  # the Chinese edition, into _build/html/zh_CN (raises on any warning)
    return HTML


def _toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [c["file"] for c in part.get("chapters", [])]
    return pages


@pytest.mark.slow
def test_book_builds_without_warnings(built_book):
    assert (built_book / "index.html").is_file()
    for page in _toc_pages():
        assert (built_book / f"{page}.html").is_file(), f"{page} was not built"


@pytest.fixture(scope="module")
def browser(built_book):
    if not CHROMIUM:
        message = "Chromium is not installed (apt-get install chromium; .ci/run does it)"
        if os.environ.get("CI"):
            pytest.fail(message + ": CI must run the browser check")
        pytest.skip(message + ": browser check skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


EDITIONS = {"en": HTML, "zh_CN": HTML / "zh_CN"}


def _open(browser, page_name: str, edition: str = "en", width: int = 1280, height: int = 900):
    page = browser.new_page(viewport={"width": width, "height": height})
    # the book works offline: refuse anything that is not a local file instead of waiting for it
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
               else route.abort())
    page.goto((EDITIONS[edition] / f"{page_name}.html").as_uri(), wait_until="load")
    return page


def _both(pages: list[str]) -> list:
    """Each page in both editions, as pytest parameters with readable ids."""
    return [pytest.param(e, p, id=f"{e}:{p}") for e in EDITIONS for p in pages]


@pytest.mark.slow
@pytest.mark.parametrize(("edition", "page_name"), _both(_toc_pages()))
def test_page_has_working_images_and_links(browser, edition, page_name):
    page = _open(browser, page_name, edition)
    try:
        broken = page.eval_on_selector_all(
            "article img", "imgs => imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
        assert not broken, f"{page_name}: images that do not load: {broken}"
        missing_alt = page.eval_on_selector_all("article img", "imgs => imgs.filter(i => !i.alt).length")
        assert missing_alt == 0, f"{page_name}: {missing_alt} image(s) without alt text"
        hrefs = page.eval_on_selector_all("article a[href]", "as => as.map(a => a.href)")
        for href in hrefs:
            url = urlparse(href)
            if url.scheme == "file":
                assert Path(url.path).exists(), f"{page_name}: broken internal link {href}"
        stray = page.eval_on_selector_all(
            ".cell:not(.tag_raises-exception) .output.traceback, .output.stderr", "els => els.length")
        assert stray == 0, f"{page_name}: {stray} traceback/stderr output(s) outside cells tagged raises-exception"
        if page_name.startswith("notebooks/"):
            colab = page.eval_on_selector_all("a[href*='colab.research.google.com']", "as => as.map(a => a.href)")
            expected = f"https://colab.research.google.com/github/{REPO}/blob/main/{page_name}.ipynb"
            assert expected in colab, f"{page_name}: no Colab link to {expected} (found {colab})"
    finally:
        page.close()


@pytest.mark.slow
def test_chapter_one_shows_code_outputs_and_figure(browser):
    page = _open(browser, "notebooks/01_eager_and_graph")
    try:
        text = page.inner_text("article")
        assert "setup_notebook()" in text, "the set-up code is not shown"
        assert "executing eagerly: True" in text, "a stored output is not shown"
        assert "many small ops: graph at least 2x faster: True" in text
        assert "Traceback" not in text, "a raw traceback is shown"
        figures = page.eval_on_selector_all(
            ".cell_output img", "imgs => imgs.map(i => [i.naturalWidth, i.naturalHeight])")
        assert figures and all(w > 300 and h > 100 for w, h in figures), f"figure missing or tiny: {figures}"
        shots = ROOT / "_build" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "01_eager_and_graph.png"), full_page=False)
    finally:
        page.close()


SOLUTION_PAGES = [p for p in _toc_pages() if p.startswith("notebooks/")]


@pytest.mark.slow
@pytest.mark.parametrize(("edition", "page_name"), _both(SOLUTION_PAGES))
def test_solutions_stay_hidden_until_asked(browser, edition, page_name):
    """Exercise solutions (cells tagged hide-cell): neither code nor output visible on load; one click shows both."""
    page = _open(browser, page_name, edition)
    try:
        cells = page.query_selector_all(".cell.tag_hide-cell")
        assert cells, f"{page_name}: no solution cells (tag hide-cell)"
        for i, cell in enumerate(cells):
            parts = cell.query_selector_all(".cell_input, .cell_output")
            assert parts, f"{page_name}: solution {i} has no input/output blocks"
            visible = [p for p in parts if p.is_visible()]
            assert not visible, f"{page_name}: solution {i} shows {len(visible)} block(s) before it is opened"
        summary = cells[0].query_selector("summary")
        assert summary, f"{page_name}: the first solution has no toggle"
        summary.click()
        shown = [p.is_visible() for p in cells[0].query_selector_all(".cell_input, .cell_output")]
        assert shown and all(shown), f"{page_name}: opening the first solution does not show it"
    finally:
        page.close()


OVERFLOW_JS = """() => {
  const wide = [];
  const check = (sel, kind) => document.querySelectorAll(sel).forEach(el => {
    if (el.closest('details:not([open])')) return;  // folded solutions are checked when opened
    if (el.scrollWidth > el.clientWidth + 1) wide.push(kind + ': ' + el.innerText.slice(0, 60));
  });
  check('article .cell_input pre', 'code');
  check('article .cell_output pre', 'output');
  check('article .highlight pre', 'code block');
  document.querySelectorAll('article table').forEach(t => {
    const box = t.parentElement;
    if (t.scrollWidth > box.clientWidth + 1 || box.scrollWidth > box.clientWidth + 1)
      wide.push('table: ' + t.innerText.slice(0, 60));
  });
  return wide;
}"""


@pytest.mark.slow
@pytest.mark.parametrize(("edition", "page_name"), _both(_toc_pages()))
def test_page_fits_a_laptop_screen(browser, edition, page_name):
    """At 1280 px no code, output or table scrolls sideways (solutions included, once opened)."""
    page = _open(browser, page_name, edition)
    try:
        for summary in page.query_selector_all("details.hide summary"):
            summary.click()
        wide = page.evaluate(OVERFLOW_JS)
        assert not wide, f"{page_name}: {len(wide)} block(s) wider than the column: {wide[:5]}"
    finally:
        page.close()


@pytest.mark.slow
@pytest.mark.parametrize(("edition", "page_name"), _both(["book/intro", "notebooks/01_eager_and_graph"]))
def test_page_reads_on_a_phone(browser, edition, page_name):
    """At 390 px the page itself does not scroll sideways; wide blocks scroll inside themselves."""
    page = _open(browser, page_name, edition, width=390, height=844)
    try:
        width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1] + 1, f"{page_name}: the page is {width[0]} px wide on a {width[1]} px phone"
    finally:
        page.close()


def test_page_code_blocks_fit_the_column():
    """Code blocks in the markdown pages: at most 76 characters a line (box-drawing glyphs run wide)."""
    wide = []
    for page in sorted((ROOT / "book").glob("*.md")):
        inside = False
        for n, line in enumerate(page.read_text().splitlines(), 1):
            if line.lstrip().startswith(("```", "~~~")):
                inside = not inside
            elif inside and len(line) > 76:
                wide.append(f"{page.name}:{n} ({len(line)} chars)")
    assert not wide, "code lines too wide for the page: " + ", ".join(wide)


@pytest.mark.slow
@pytest.mark.parametrize(("edition", "page_name"), _both(["book/intro", "notebooks/05_tf_data", "book/claims_ledger"]))
def test_language_switch_opens_the_same_page_in_the_other_language(browser, edition, page_name):
    page = _open(browser, page_name, edition)
    try:
        link = page.query_selector("a.tfbook-language")
        assert link and link.is_visible(), f"{edition}:{page_name}: no visible language switch"
        target = Path(urlparse(link.get_attribute("href")).path)
        other = "en" if edition == "zh_CN" else "zh_CN"
        assert target == EDITIONS[other] / f"{page_name}.html", f"{edition}:{page_name}: switch points to {target}"
        link.click()
        page.wait_for_load_state("load")
        lang = page.evaluate("() => document.documentElement.lang")
        assert lang.lower().startswith("zh" if other == "zh_CN" else "en"), lang
    finally:
        page.close()


# Draw a Chinese character and a code point no font has: the same pixels mean the page's fonts have no
# CJK glyphs and the reader sees boxes.
TOFU_JS = """() => {
  const draw = (text) => {
    const c = document.createElement('canvas'); c.width = 64; c.height = 64;
    const g = c.getContext('2d'); g.font = '48px ' + getComputedStyle(document.body).fontFamily;
    g.fillText(text, 4, 52); return Array.from(g.getImageData(0, 0, 64, 64).data).join(',');
  };
  return {cjk: draw('图'), missing: draw('\\u{10FFFD}')};
}"""


@pytest.mark.slow
@pytest.mark.parametrize("page_name", ["book/intro", "book/claims_ledger", "notebooks/08_profiling",
                                       "notebooks/01_eager_and_graph"])
def test_chinese_pages_show_chinese_glyphs(browser, page_name):
    """The Chinese edition is translated (its text is mostly CJK) and Chromium draws it (no boxes)."""
    page = _open(browser, page_name, "zh_CN")
    try:
        text = page.inner_text("article")
        cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
        assert cjk > 200, f"zh_CN:{page_name}: only {cjk} Chinese characters: is the page translated?"
        glyphs = page.evaluate(TOFU_JS)
        assert glyphs["cjk"] != glyphs["missing"], "Chinese characters render as missing-glyph boxes: install a CJK font"
        shots = ROOT / "_build" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / f"zh_CN-{page_name.replace('/', '-')}.png"), full_page=False)
    finally:
        page.close()
