"""Makes the pictures of docs/site.md in headless Chromium (the tests' own), so they stay current.

    python scripts/site_beelden.py [--out docs/img/site]      (or: make docs-img)

The reeks example built with ``-f site,pdf`` for two gemeenten, served by a plain static server
on 127.0.0.1: the start page of a gemeente's site, a table with its CSV link, the portal
finding a gemeente by a few letters, and a section page on a phone with its menu folded and open.
"""

from __future__ import annotations

import argparse
import base64
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.asgi import serving_folder  # noqa: E402
from support.browser import Page, chromium_page  # noqa: E402

from jaarverslag.build.options import BuildOptions  # noqa: E402
from jaarverslag.build.pipeline import build  # noqa: E402

REEKS = "iv3-begroting-2025"
GEMEENTEN = ("'s-Gravenhage", "Amsterdam", "Rotterdam", "Utrecht", "Groningen")
WIDTH = 1000


def shot(page: Page, path: Path, height: int, clip: str | None = None, width: int = WIDTH) -> None:
    """The top of the page (``height`` pixels), or the element ``clip`` and the one after it
    (a table and its links), with a margin; ``width`` below 600: a phone's screen."""
    page.call(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=height,
        deviceScaleFactor=1,
        mobile=width < 600,
    )
    params: dict[str, object] = {"format": "png"}
    if clip is not None:
        box = page.evaluate(
            f"""(() => {{ const e = document.querySelector({clip!r});
                e.scrollIntoView({{block: 'start'}}); window.scrollBy(0, -16);
                const r = e.getBoundingClientRect();
                const n = (e.nextElementSibling || e).getBoundingClientRect();
                return {{x: 0, y: r.top + scrollY - 16, width: {WIDTH},
                         height: n.bottom - r.top + 32}}; }})()"""
        )
        params["clip"] = {**box, "scale": 1}
        params["captureBeyondViewport"] = True
    path.write_bytes(base64.b64decode(page.call("Page.captureScreenshot", **params)["data"]))
    print(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "site")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="site-beelden-") as name:
        out = Path(name)
        options = BuildOptions(("site", "pdf"), gemeenten=GEMEENTEN)
        (outcome,) = build([ROOT / "data" / REEKS], out, options)
        if not outcome.ok:
            sys.exit(f"{REEKS}: {outcome.error}")
        with serving_folder(out) as base, chromium_page(out / "chromium") as page:
            page.goto(f"{base}/{REEKS}/s-gravenhage/site/index.html")
            page.pause(0.5)
            shot(page, args.out / "start.png", 900)
            page.goto(f"{base}/{REEKS}/s-gravenhage/site/wat-mag-het-kosten.html")
            page.pause(0.5)
            page.evaluate("document.querySelector('.tabelacties a').focus()")  # show the focus
            shot(page, args.out / "tabel.png", 900, clip="main .tabelvak")
            page.goto(f"{base}/{REEKS}/site/index.html")
            page.fill("#vinder", "gr")
            page.pause(0.5)
            shot(page, args.out / "portaal.png", 720)
            page.call(
                "Emulation.setDeviceMetricsOverride",
                width=390,
                height=760,
                deviceScaleFactor=1,
                mobile=True,
            )
            page.goto(f"{base}/{REEKS}/s-gravenhage/site/wat-mag-het-kosten.html")
            page.pause(0.5)
            shot(page, args.out / "telefoon.png", 760, width=390)  # the menu folded …
            page.click(".menuknop")
            page.pause(0.3)
            shot(page, args.out / "telefoon-menu.png", 760, width=390)  # … and open


if __name__ == "__main__":
    main()
