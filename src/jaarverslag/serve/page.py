"""What the live preview serves: the rapport's HTML, or its problems above the last good one.

The document is the very HTML that ``build -f html`` writes; only the served response gets the
small script that keeps the page up to date (:data:`SCRIPT`), and, on bad input, the messages
of ``check`` in place of the document with the last good version greyed out below them. Every
message is HTML-escaped: a file name or a value from the input is printed, never run.
"""

from __future__ import annotations

import base64
import hashlib
import html as htmllib
import re
from dataclasses import dataclass

from jaarverslag.core.errors import Problem


@dataclass(frozen=True)
class Page:
    """The state of the preview after one (re)build.

    ``document``: the rapport's HTML, None when the input is bad. ``problems``: the errors that
    stopped it (as ``check`` reports them), or the warnings of a good build. ``previous``: on
    bad input, the last good document, if there was one.
    """

    document: str | None
    problems: tuple[Problem, ...] = ()
    previous: str | None = None
    #: a reeks: the state of its inputs (its gemeenten's pages can change beside the same
    #: overview); empty otherwise
    key: str = ""

    @property
    def ok(self) -> bool:
        return self.document is not None


#: Keeps the open page current: a server-sent event says which version the server has; the page
#: fetches it and swaps head and body in place (scroll position kept, no reload, no flash).
#: Versions only grow (they start at the server's start time in ms), so a restarted server is
#: noticed too. While the server is unreachable a small note says so.
SCRIPT = """<script id="jv-voorbeeld" nonce="{nonce}" data-versie="{version}">
(function () {
  "use strict";
  var versie = Number(document.currentScript.getAttribute("data-versie"));
  var gewenst = versie, bezig = false;
  function melding(aan) {
    var el = document.getElementById("jv-verbinding");
    if (aan && !el) {
      el = document.createElement("p");
      el.id = "jv-verbinding";
      el.setAttribute("role", "status");
      el.textContent = "Geen verbinding met jaarverslag serve; de pagina werkt zich weer bij " +
        "zodra die draait.";
      el.style.cssText = "position:fixed;left:1em;bottom:1em;margin:0;padding:.5em 1em;" +
        "background:#222;color:#fff;font:14px/1.4 sans-serif;border-radius:4px;z-index:99999";
      document.body.appendChild(el);
    } else if (!aan && el) {
      el.remove();
    }
  }
  function haal() {
    if (bezig || gewenst <= versie) return;
    bezig = true;
    fetch(location.pathname, {cache: "no-store"}).then(function (antwoord) {
      if (!antwoord.ok) throw new Error(String(antwoord.status));
      return antwoord.text();
    }).then(function (tekst) {
      var nieuw = new DOMParser().parseFromString(tekst, "text/html");
      var script = nieuw.getElementById("jv-voorbeeld");
      if (script) {
        versie = Number(script.getAttribute("data-versie"));
        script.remove();
      }
      var x = window.scrollX, y = window.scrollY;
      var root = document.documentElement;
      root.replaceChild(document.adoptNode(nieuw.head), document.head);
      root.replaceChild(document.adoptNode(nieuw.body), document.body);
      document.querySelectorAll("script").forEach(function (oud) {  // the page's own scripts
        var opnieuw = document.createElement("script");
        Array.prototype.forEach.call(oud.attributes, function (a) {
          opnieuw.setAttribute(a.name, a.value);
        });
        opnieuw.textContent = oud.textContent;
        oud.replaceWith(opnieuw);
      });
      window.scrollTo(x, y);
      bezig = false;
      haal();
    }).catch(function () {
      bezig = false;
      setTimeout(haal, 500);
    });
  }
  var bron = new EventSource("/events");
  bron.onmessage = function (e) {
    melding(false);
    gewenst = Math.max(gewenst, Number(e.data));
    haal();
  };
  bron.onerror = function () { melding(true); };
})();
</script>
"""

STYLE = """<style>
#jv-fouten { font: 16px/1.45 system-ui, sans-serif; color: #1a1a1a; background: #fff4f4;
  border: 2px solid #b00020; border-radius: 6px; max-width: 48em; margin: 1em auto;
  padding: .75em 1.25em; }
#jv-fouten h1 { font-size: 1.25em; margin: .25em 0 .5em; color: #b00020; }
#jv-fouten ul { padding-left: 1.25em; }
#jv-fouten li { margin: .3em 0; }
#jv-fouten code { font: .95em/1.4 ui-monospace, monospace; white-space: pre-wrap;
  overflow-wrap: anywhere; }
body > .jv-oud { opacity: .45; filter: grayscale(1); }
#jv-waarschuwingen { position: fixed; right: 1em; bottom: 1em; max-width: min(40em, 90vw);
  max-height: 60vh; overflow: auto; z-index: 99998; font: 14px/1.4 system-ui, sans-serif;
  background: #fff8e1; border: 1px solid #8a6d00; border-radius: 4px; padding: .4em .8em; }
#jv-waarschuwingen summary { cursor: pointer; }
#jv-waarschuwingen code { white-space: pre-wrap; overflow-wrap: anywhere; }
</style>
"""

BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)


def script_hashes(page: Page) -> list[str]:
    """CSP hashes of the document's own inline scripts (a template's, such as the sort buttons
    of a reeks's overview): they run as in the built file, and nothing else does."""
    html = page.document if page.document is not None else page.previous or ""
    found = []
    for attributes, body in INLINE_SCRIPT.findall(html):
        if "src=" not in attributes.lower():
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            found.append(f"'sha256-{digest}'")
    return sorted(set(found))


def served(page: Page, version: int, nonce: str) -> str:
    """The HTML to answer ``GET /`` with: the page as shown in the browser, with the script."""
    script = SCRIPT.replace("{nonce}", nonce).replace("{version}", str(version))
    if page.document is not None:
        html = page.document
        if page.problems:
            html = _in_head(html, STYLE)
            html = _before_body_close(html, _warnings(page.problems))
        return _before_body_close(html, script)
    return _before_body_close(failed(page), script)


def failed(page: Page) -> str:
    """Bad input: the problems in place of the document, the last good version greyed below."""
    count = len(page.problems)
    heading = "De invoer heeft 1 fout" if count == 1 else f"De invoer heeft {count} fouten"
    if page.previous is not None:
        below = "Daaronder, grijs, de laatste goede versie."
    else:
        below = "Er is nog geen goede versie om te tonen."
    items = "".join(f"<li><code>{_escape(str(p))}</code></li>" for p in page.problems)
    banner = (
        '<section id="jv-fouten" role="alert" aria-labelledby="jv-fouten-kop">'
        f'<h1 id="jv-fouten-kop">{heading}</h1>'
        "<p>Dezelfde meldingen als van <code>jaarverslag check</code>. Herstel het bestand en "
        f"sla het op: deze pagina werkt zich vanzelf bij. {below}</p>"
        f"<ul>{items}</ul></section>"
    )
    if page.previous is None:
        return (
            '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{heading}</title>{STYLE}</head><body>{banner}</body></html>\n"
        )
    html = _in_head(page.previous, STYLE)
    match = BODY_OPEN.search(html)
    start = match.end() if match else 0
    end = html.lower().rfind("</body>")
    end = len(html) if end < start else end
    old = (
        '<div class="jv-oud" role="region" aria-label="Laatste goede versie">'
        f"{html[start:end]}</div>"
    )
    return html[:start] + banner + old + html[end:]


def _warnings(problems: tuple[Problem, ...]) -> str:
    count = len(problems)
    title = "1 waarschuwing" if count == 1 else f"{count} waarschuwingen"
    items = "".join(f"<li><code>{_escape(str(p))}</code></li>" for p in problems)
    return (
        f'<details id="jv-waarschuwingen"><summary>{title} (zoals <code>jaarverslag check</code>'
        f" ze meldt)</summary><ul>{items}</ul></details>"
    )


def _escape(text: str) -> str:
    return htmllib.escape(text, quote=True)


def _in_head(html: str, fragment: str) -> str:
    end = html.lower().find("</head>")
    return fragment + html if end < 0 else html[:end] + fragment + html[end:]


def _before_body_close(html: str, fragment: str) -> str:
    end = html.lower().rfind("</body>")
    return html + fragment if end < 0 else html[:end] + fragment + html[end:]
