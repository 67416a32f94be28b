/* The site's own script (jaarverslag -f site). Every page reads and navigates without it; it
   only adds: the menu that folds away on a narrow screen, copying the link to a table, sorting
   a table by any column, finding a gemeente as you type, and search (Pagefind's index, built
   with the site, read from site/pagefind/ under the folder named by <body data-wortel>). */
(function () {
  "use strict";

  var melding = document.querySelector(".melding");
  var timer = null;

  function meld(text) {
    if (!melding) { return; }
    melding.textContent = text;
    clearTimeout(timer);
    timer = setTimeout(function () { melding.textContent = ""; }, 4000);
  }

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/\s+/g, " ").trim();
  }

  /* ---- the menu of sections: folded away behind a button on a narrow screen ---- */
  function menu() {
    var nav = document.querySelector(".menu");
    var button = nav && nav.querySelector(".menuknop");
    if (!button) { return; }
    button.hidden = false;
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("ingeklapt", !open);
    }
    set(false);
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    nav.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true"
          && getComputedStyle(button).display !== "none") {
        set(false);
        button.focus();
      }
    });
  }

  /* ---- "Link naar deze tabel": copies the table's address ---- */
  function copyLinks() {
    Array.prototype.forEach.call(document.querySelectorAll("a.deellink"), function (link) {
      link.addEventListener("click", function (event) {
        var address = location.href.split("#")[0] + link.getAttribute("href");
        if (!navigator.clipboard || !window.isSecureContext) { return; }  /* just go there */
        event.preventDefault();
        history.replaceState(null, "", link.getAttribute("href"));
        navigator.clipboard.writeText(address).then(function () {
          meld("Link gekopieerd: " + address);
        }, function () {
          meld("Kopiëren lukte niet; de link staat nu in de adresbalk.");
        });
      });
    });
  }

  /* ---- sort a table by any column (progressive enhancement of a plain table) ---- */
  function number(text) {
    var t = text.replace(/\u2212/g, "-").replace(/[^0-9,\-]/g, "").replace(",", ".");
    if (t === "" || t === "-") { return null; }
    var v = parseFloat(t);
    return isNaN(v) ? null : v;
  }

  function sortable(table) {
    var body = table.tBodies[0];
    var heads = table.tHead.rows[0].cells;
    var hint = table.parentNode.parentNode.querySelector(".sorteeruitleg");
    if (hint) { hint.hidden = false; }
    Array.prototype.forEach.call(heads, function (th, i) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var numeric = th.getAttribute("data-soort") === "getal";
        var first = numeric ? "descending" : "ascending";
        var way = th.getAttribute("aria-sort") === first
          ? (first === "ascending" ? "descending" : "ascending") : first;
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", way);
        var rows = Array.prototype.slice.call(body.rows).map(function (row, index) {
          var text = row.cells[i].textContent.trim();
          return { row: row, index: index, key: numeric ? number(text) : fold(text) };
        });
        rows.sort(function (a, b) {
          var x = a.key, y = b.key, order;
          if (x === null || y === null) {
            order = x === y ? 0 : x === null ? 1 : -1;
            return order || a.index - b.index;  /* no data: always last */
          }
          order = numeric ? x - y : x.localeCompare(y, "nl");
          return (way === "ascending" ? order : -order) || a.index - b.index;
        });
        rows.forEach(function (r) { body.appendChild(r.row); });
        meld("Gesorteerd op " + button.textContent.trim() + ", "
          + (way === "ascending" ? "oplopend" : "aflopend"));
      });
    });
  }

  /* ---- the portal: find a gemeente as you type (name, code or province) ---- */
  function finder() {
    var box = document.querySelector(".vinder");
    if (!box) { return; }
    var input = box.querySelector("input");
    var status = document.getElementById("vinderstatus");
    var groups = Array.prototype.slice.call(document.querySelectorAll(".groep"));
    var entries = [];
    groups.forEach(function (group) {
      Array.prototype.forEach.call(group.querySelectorAll("li"), function (li) {
        entries.push({ li: li, group: group, text: fold(li.textContent) });
      });
    });
    box.hidden = false;
    function apply() {
      var words = fold(input.value).split(" ").filter(Boolean);
      var shown = 0;
      var seen = new Map();
      entries.forEach(function (e) {
        var hit = words.every(function (w) { return e.text.indexOf(w) !== -1; });
        e.li.hidden = !hit;
        if (hit) { shown += 1; seen.set(e.group, true); }
      });
      groups.forEach(function (g) { g.hidden = !seen.has(g); });
      if (status) {
        status.textContent = words.length === 0 ? ""
          : shown === 0 ? "Geen gemeente gevonden"
          : shown === 1 ? "1 gemeente gevonden" : shown + " gemeenten gevonden";
      }
    }
    input.addEventListener("input", apply);
    box.addEventListener("submit", function (event) {
      event.preventDefault();
      var first = entries.filter(function (e) { return !e.li.hidden; })[0];
      var link = first && first.li.querySelector("a");
      if (link) { link.focus(); }
    });
    if (input.value) { apply(); }
  }

  /* ---- search: Pagefind's index of every page ---- */
  function excerpt(markup) {
    /* Pagefind's excerpt is text with <mark>s: keep only those, never any other markup */
    var out = document.createElement("p");
    var parsed = new DOMParser().parseFromString("<p>" + markup + "</p>", "text/html");
    Array.prototype.forEach.call(parsed.body.firstChild.childNodes, function (node) {
      if (node.nodeType === 1 && node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(node.textContent));
      }
    });
    return out;
  }

  function anchor(data) {
    /* where on the page to open: a table that holds a hit (its caption, a row), else the
       element with an id (a heading, a figure) before the first hit, else the top */
    var anchors = (data.anchors || []).slice().sort(function (a, b) { return a.location - b.location; });
    var hits = data.locations || [];
    function before(at) {
      var best = null;
      anchors.forEach(function (a) { if (a.location <= at) { best = a; } });
      return best;
    }
    for (var i = 0; i < hits.length; i += 1) {
      var a = before(hits[i]);
      if (a && a.id.indexOf("tabel-") === 0) { return "#" + a.id; }
    }
    var first = hits.length ? before(hits[0]) : null;
    return first ? "#" + first.id : "";
  }

  function search() {
    var form = document.getElementById("zoeken");
    if (!form) { return; }
    var input = document.getElementById("zoekterm");
    var status = document.getElementById("zoekstatus");
    var list = document.getElementById("zoekresultaten");
    var only = document.getElementById("zoekbereik");
    var withoutScript = document.querySelector(".zonder-script");
    var params = new URLSearchParams(location.search);
    var root = document.body.getAttribute("data-wortel") || "";
    /* a gemeente's search: its name (on every page of its site) joins the words, so Pagefind
       finds its pages (a page must hold every word), and only addresses in its folder count */
    var scope = params.get("in") || "";
    var folder = /^[a-z0-9-]+$/.test(params.get("pad") || "") ? params.get("pad") : "";
    if (!folder) { scope = ""; }
    var engine = null;
    var asked = 0;
    form.hidden = false;
    if (withoutScript) { withoutScript.hidden = true; }
    input.value = params.get("q") || "";
    if (scope && only) {
      only.value = scope;
      only.checked = true;
      only.parentNode.hidden = false;
      only.parentNode.querySelector(".bereiknaam").textContent = scope;
    }
    function load() {
      if (!engine) {
        var url = new URL(root + "site/pagefind/pagefind.js", document.baseURI).href;
        engine = import(url).then(function (pagefind) {
          /* the index's addresses start at the rapport's folder (data-wortel), not at the
             folder above pagefind/ that Pagefind would assume */
          return pagefind.options({ baseUrl: "/", excerptLength: 20 })
            .then(function () { return pagefind; });
        });
      }
      return engine;
    }
    function run() {
      var term = input.value.trim();
      var ask = ++asked;
      var state = new URLSearchParams();
      if (term) { state.set("q", term); }
      var narrow = Boolean(only && only.checked && scope);
      if (narrow) { state.set("in", scope); state.set("pad", folder); }
      history.replaceState(null, "", "?" + state.toString());
      if (!term) { list.textContent = ""; status.textContent = ""; return; }
      load().then(function (pagefind) {
        return pagefind.debouncedSearch(narrow ? term + " " + scope : term, {}, 250);
      }).then(function (found) {
        if (found === null || ask !== asked) { return null; }
        return Promise.all(found.results.slice(0, narrow ? 60 : 30).map(function (r) { return r.data(); }))
          .then(function (pages) {
            if (narrow) {
              pages = pages.filter(function (p) { return p.url.indexOf("/" + folder + "/") === 0; });
              return { total: pages.length, pages: pages.slice(0, 30) };
            }
            return { total: found.results.length, pages: pages };
          });
      }).then(function (answer) {
        if (!answer || ask !== asked) { return; }
        list.textContent = "";
        answer.pages.forEach(function (data) {
          var li = document.createElement("li");
          var link = document.createElement("a");
          link.href = root + data.url.replace(/^\//, "") + anchor(data);
          link.textContent = (data.meta && data.meta.title) || data.url;
          li.appendChild(link);
          if (data.meta && data.meta.bron) {
            var where = document.createElement("span");
            where.className = "waar";
            where.textContent = data.meta.bron;
            li.appendChild(where);
          }
          li.appendChild(excerpt(data.excerpt || ""));
          list.appendChild(li);
        });
        var n = answer.total;
        status.textContent = n === 0 ? "Niets gevonden voor \u201c" + term + "\u201d"
          : (n === 1 ? "1 resultaat" : n + " resultaten") + " voor \u201c" + term + "\u201d"
            + (n > answer.pages.length ? " (de eerste " + answer.pages.length + ")" : "");
      }).catch(function (error) {
        status.textContent = "Zoeken lukt hier niet: de zoekindex kon niet worden geladen"
          + " (open de website via een webserver, niet als bestand).";
        if (window.console) { console.warn(error); }
      });
    }
    form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
    input.addEventListener("input", run);
    if (only) { only.addEventListener("change", run); }
    if (input.value) { run(); }
  }

  menu();
  copyLinks();
  Array.prototype.forEach.call(document.querySelectorAll("table.sorteerbaar"), sortable);
  finder();
  search();
})();
