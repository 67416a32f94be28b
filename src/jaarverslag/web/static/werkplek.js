/* De werkplek in de browser: elke handeling gaat via de JSON-API (/api/...), met het
   CSRF-token van de sessie. Geen inline scripts: de Content-Security-Policy staat alleen dit
   bestand toe. */
(function () {
  "use strict";

  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";
  var body = document.body;
  var rapport = body.getAttribute("data-rapport") || "";

  function $(id) { return document.getElementById(id); }

  function zeg(tekst) {
    var el = $("melding");
    if (!el) return;
    el.textContent = tekst;
    clearTimeout(zeg.klok);
    zeg.klok = setTimeout(function () { el.textContent = ""; }, 10000);
  }

  function pad(p) { return p.split("/").map(encodeURIComponent).join("/"); }

  function basis() { return "/api/rapporten/" + encodeURIComponent(rapport); }

  function api(methode, adres, inhoud, koppen) {
    var opties = { method: methode, credentials: "same-origin", headers: { "X-CSRF-Token": csrf } };
    Object.keys(koppen || {}).forEach(function (k) { opties.headers[k] = koppen[k]; });
    if (inhoud instanceof Blob || inhoud instanceof FormData) {
      opties.body = inhoud;
    } else if (inhoud !== undefined) {
      opties.body = JSON.stringify(inhoud);
      opties.headers["Content-Type"] = "application/json";
    }
    return fetch(adres, opties).then(function (antwoord) {
      var type = antwoord.headers.get("Content-Type") || "";
      var uit = { status: antwoord.status, ok: antwoord.ok, antwoord: antwoord, json: null };
      if (type.indexOf("application/json") === 0) {
        return antwoord.json().then(function (json) { uit.json = json; return uit; });
      }
      return uit;
    });
  }

  function fout(uit) {
    if (uit.status === 401) { location.href = "/inloggen?terug=" + encodeURIComponent(location.pathname); }
    return (uit.json && uit.json.fout) || ("De werkplek antwoordde met fout " + uit.status);
  }

  function bezig(knop, aan) { if (knop) { knop.disabled = aan; } }

  /* Meldingen van check als lijst, elk met een link naar het bestand. */
  function meldingen(lijst) {
    var ul = document.createElement("ul");
    ul.className = "meldingen";
    lijst.forEach(function (m) {
      var li = document.createElement("li");
      if (m.ernst === "waarschuwing") li.className = "waarschuwing";
      var bestand = (m.bestand || "").replace(/\[.*\]$/, "");
      var code = document.createElement("code");
      code.textContent = m.tekst;
      var doel = null;
      if (/\.(md|yaml|html|css)$/.test(bestand)) {
        doel = "/rapporten/" + encodeURIComponent(rapport) + "/tekst/" + pad(bestand);
      } else if (bestand && document.getElementById("bestand-" + bestand)) {
        doel = "#bestand-" + encodeURIComponent(bestand);
      }
      if (doel) {
        var a = document.createElement("a");
        a.href = doel;
        a.appendChild(code);
        li.appendChild(a);
      } else {
        li.appendChild(code);
      }
      ul.appendChild(li);
    });
    return ul;
  }

  function toonControle(doel, controle) {
    doel.textContent = "";
    doel.setAttribute("aria-busy", "false");
    var fouten = controle.meldingen.filter(function (m) { return m.ernst !== "waarschuwing"; });
    var p = document.createElement("p");
    if (controle.ok && !controle.meldingen.length) {
      p.className = "goed";
      p.textContent = "In orde: de controle vindt niets.";
    } else if (controle.ok) {
      p.className = "goed";
      p.textContent = "In orde, met " + controle.meldingen.length + " waarschuwing(en):";
    } else {
      p.className = "fout";
      p.textContent = fouten.length + (fouten.length === 1 ? " fout" : " fouten") +
        " (zoals jaarverslag check ze meldt); het rapport kan zo niet gemaakt worden:";
    }
    doel.appendChild(p);
    if (controle.meldingen.length) doel.appendChild(meldingen(controle.meldingen));
  }

  /* De gebeurtenissen van het rapport: bij(staat, controle) bij elke wijziging, en opnieuw met
     het oordeel van de controle zodra dat er is (een opslag wacht niet op de controle).
     Zonder EventSource: false. */
  function volg(bij) {
    if (!window.EventSource || !rapport) return false;
    var bron = new EventSource(basis() + "/gebeurtenissen");
    bron.onmessage = function (e) {
      var data = JSON.parse(e.data);
      bij(data.staat, data.controle || null);
    };
    return true;
  }

  function download(uit, standaard) {
    return uit.antwoord.blob().then(function (blob) {
      var naam = standaard;
      var kop = uit.antwoord.headers.get("Content-Disposition") || "";
      var m = /filename\*=UTF-8''([^;]+)/.exec(kop);
      if (m) naam = decodeURIComponent(m[1]);
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = naam;
      a.hidden = true;
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 60000);
      return naam;
    });
  }

  /* -- /rapporten ------------------------------------------------------------------------ */

  function rapporten() {
    var form = $("nieuw-rapport");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var knop = form.querySelector("button");
      var naam = $("nieuw-naam").value.trim();
      var excel = form.querySelector('input[name="excel"]:checked').value === "ja";
      bezig(knop, true);
      api("POST", "/api/rapporten", { naam: naam, excel: excel }).then(function (uit) {
        bezig(knop, false);
        if (uit.ok) { location.href = "/rapporten/" + encodeURIComponent(naam); } else { zeg(fout(uit)); }
      });
    });
  }

  /* -- /rapporten/N ---------------------------------------------------------------------- */

  function map(naam, keuze) {
    if (keuze === "/") return naam;
    if (keuze) return keuze + naam;
    if (/\.md$/i.test(naam) && !/^readme\.md$/i.test(naam)) return "teksten/" + naam;
    if (/\.(html|css)$/i.test(naam)) return "templates/" + naam;
    return naam;
  }

  function uploaden(bestanden) {
    var keuze = $("upload-map").value;
    var uitkomst = $("upload-uitkomst");
    uitkomst.textContent = "Bezig met uploaden…";
    var lijst = Array.prototype.slice.call(bestanden);
    var fouten = [];
    var volgende = function (i) {
      if (i >= lijst.length) {
        if (!fouten.length) { location.reload(); return; }
        uitkomst.textContent = "";
        var p = document.createElement("p");
        p.className = "fout";
        p.textContent = "Niet geüpload:";
        uitkomst.appendChild(p);
        uitkomst.appendChild(meldingen(fouten));
        return;
      }
      var bestand = lijst[i];
      var doel = map(bestand.name, keuze);
      api("PUT", basis() + "/bestanden/" + pad(doel), bestand).then(function (uit) {
        if (!uit.ok) fouten.push({ tekst: fout(uit), bestand: doel });
        volgende(i + 1);
      });
    };
    volgende(0);
  }

  function bouwsVolgen() {
    var open = document.querySelectorAll('tr[data-status="wachtrij"], tr[data-status="bezig"]');
    if (!open.length) return;
    var id = open[0].getAttribute("data-bouw");
    // De gebruiker gaat naar een andere pagina: deze niet opnieuw laden (dat zou het gaan
    // afbreken). Blijft de pagina toch (een download), dan na drie seconden weer volgen.
    var weg = false;
    window.addEventListener("beforeunload", function () {
      weg = true;
      setTimeout(function () { weg = false; kijk(); }, 3000);
    });
    var klok = null;
    function kijk() {
      clearTimeout(klok);
      if (weg) return;
      api("GET", basis() + "/builds/" + id).then(function (uit) {
        if (weg) return;
        if (uit.ok && (uit.json.status === "klaar" || uit.json.status === "mislukt")) { location.reload(); }
        else { klok = setTimeout(kijk, 1000 * ((uit.ok && uit.json.opnieuw_over) || 1)); }
      });
    }
    klok = setTimeout(kijk, 1000);
  }

  function rapportPagina() {
    var controle = $("controle");
    api("GET", basis() + "/controle").then(function (uit) {
      if (uit.ok) { toonControle(controle, uit.json); } else { controle.textContent = fout(uit); }
    });
    var staat = body.getAttribute("data-staat");
    volg(function (nieuw, oordeel) {
      if (String(nieuw) !== staat) { $("veranderd").hidden = false; } else if (oordeel) { toonControle(controle, oordeel); }
    });
    bouwsVolgen();

    var upload = $("uploaden");
    if (upload) {
      var uitkomst = document.createElement("div");
      uitkomst.id = "upload-uitkomst";
      uitkomst.setAttribute("aria-live", "polite");
      upload.after(uitkomst);
      upload.addEventListener("submit", function (e) {
        e.preventDefault();
        var files = $("upload-bestanden").files;
        if (files.length) uploaden(files); else zeg("Kies eerst een of meer bestanden.");
      });
      var vlak = $("sleepvlak");
      ["dragenter", "dragover"].forEach(function (soort) {
        vlak.addEventListener(soort, function (e) { e.preventDefault(); vlak.classList.add("erboven"); });
      });
      ["dragleave", "drop"].forEach(function (soort) {
        vlak.addEventListener(soort, function () { vlak.classList.remove("erboven"); });
      });
      vlak.addEventListener("drop", function (e) {
        e.preventDefault();
        if (e.dataTransfer && e.dataTransfer.files.length) uploaden(e.dataTransfer.files);
      });
    }
    var tekst = $("nieuwe-tekst");
    if (tekst) {
      tekst.addEventListener("submit", function (e) {
        e.preventDefault();
        var naam = $("tekst-naam").value.trim();
        if (!/\.md$/i.test(naam)) naam += ".md";
        location.href = "/rapporten/" + encodeURIComponent(rapport) + "/tekst/teksten/" + pad(naam);
      });
    }
    document.querySelectorAll("[data-verwijder]").forEach(function (knop) {
      knop.addEventListener("click", function () {
        var p = knop.getAttribute("data-verwijder");
        if (!confirm(p + " verwijderen? Het blijft in de geschiedenis en is terug te halen.")) return;
        api("DELETE", basis() + "/bestanden/" + pad(p), undefined,
          { "If-Match": '"' + knop.getAttribute("data-etag") + '"' }).then(function (uit) {
          if (uit.ok) location.reload(); else zeg(fout(uit));
        });
      });
    });
    var bouwen = $("bouwen");
    if (bouwen) {
      bouwen.addEventListener("submit", function (e) {
        e.preventDefault();
        var formaten = Array.prototype.map.call(
          bouwen.querySelectorAll('input[name="formaat"]:checked'), function (i) { return i.value; });
        bezig(bouwen.querySelector("button"), true);
        api("POST", basis() + "/builds", { formaten: formaten }).then(function (uit) {
          if (uit.ok) location.reload(); else { bezig(bouwen.querySelector("button"), false); zeg(fout(uit)); }
        });
      });
    }
    var invoegen = $("invoegen");
    if (invoegen) {
      invoegen.addEventListener("submit", function (e) {
        e.preventDefault();
        var knop = invoegen.querySelector("button");
        var uit2 = $("invoegen-uitkomst");
        var data = new FormData(invoegen);
        if (!$("invoegen-gemeente").value) data.delete("gemeente");
        bezig(knop, true);
        uit2.textContent = "Bezig met invoegen…";
        api("POST", basis() + "/invoegen", data).then(function (uit) {
          bezig(knop, false);
          if (!uit.ok) {
            uit2.textContent = "";
            var p = document.createElement("p");
            p.className = "fout";
            p.textContent = "Niet ingevoegd:";
            uit2.appendChild(p);
            uit2.appendChild(meldingen((uit.json && uit.json.meldingen) || [{ tekst: fout(uit) }]));
            return;
          }
          download(uit, "document.bijgewerkt.docx").then(function (naam) {
            uit2.textContent = "Klaar: " + naam + " is gedownload.";
          });
        });
      });
    }
    var lid = $("lid");
    if (lid) {
      lid.addEventListener("submit", function (e) {
        e.preventDefault();
        var naam = $("lid-naam").value.trim().toLowerCase();
        api("PUT", basis() + "/leden/" + encodeURIComponent(naam), { rol: $("lid-rol").value }).then(function (uit) {
          if (uit.ok) location.reload(); else zeg(fout(uit));
        });
      });
    }
    document.querySelectorAll("[data-lid-weg]").forEach(function (knop) {
      knop.addEventListener("click", function () {
        var naam = knop.getAttribute("data-lid-weg");
        if (!confirm(naam + " van dit rapport halen?")) return;
        api("DELETE", basis() + "/leden/" + encodeURIComponent(naam)).then(function (uit) {
          if (uit.ok) location.reload(); else zeg(fout(uit));
        });
      });
    });
  }

  /* -- /rapporten/N/tekst/P: bewerken met het voorbeeld ernaast -------------------------- */

  function tekstPagina() {
    var veld = $("tekst");
    var frame = $("voorbeeld");
    var stand = $("voorbeeld-stand");
    var opslag = $("opslag");
    var p = body.getAttribute("data-pad");
    var etag = body.getAttribute("data-etag");
    var nieuw = body.getAttribute("data-nieuw") === "ja";
    var opgeslagen = veld.value;
    var klok = null, bezigMet = false, nogEens = false, eigenStaat = null, laatste = null;
    var stroom = false, gehoord = null;  // gehoord: het laatste oordeel van de gebeurtenissen

    /* Het oordeel van de controle na een opslag, in het aria-live-gebied #tekst-meldingen. */
    function toonOordeel(controle) {
      var doel = $("tekst-meldingen");
      doel.textContent = "";
      doel.setAttribute("aria-busy", "false");
      doel.setAttribute("data-staat", String(controle.staat));
      var p = document.createElement("p");
      var fouten = controle.meldingen.filter(function (m) { return m.ernst !== "waarschuwing"; });
      if (!controle.meldingen.length) {
        p.className = "goed";
        p.textContent = "Gecontroleerd: in orde.";
      } else {
        p.className = controle.ok ? "goed" : "fout";
        p.textContent = controle.ok ? "Gecontroleerd: in orde, met " + controle.meldingen.length + " waarschuwing(en):" :
          "Gecontroleerd: " + fouten.length + (fouten.length === 1 ? " fout:" : " fouten:");
      }
      doel.appendChild(p);
      if (controle.meldingen.length) doel.appendChild(meldingen(controle.meldingen));
    }

    function wachtOpOordeel(staat) {
      var doel = $("tekst-meldingen");
      doel.textContent = "";
      doel.removeAttribute("data-staat");
      doel.setAttribute("aria-busy", "true");
      var p = document.createElement("p");
      p.textContent = "Opgeslagen; wordt gecontroleerd…";
      doel.appendChild(p);
      if (gehoord && gehoord.staat === staat) { toonOordeel(gehoord); return; }
      if (stroom) return;  // het oordeel komt met de gebeurtenissen
      api("GET", basis() + "/controle").then(function (uit) {
        if (uit.ok && eigenStaat === staat && uit.json.staat >= staat) toonOordeel(uit.json);
      });
    }

    function voorbeeld() {
      if (bezigMet) { nogEens = true; return; }
      bezigMet = true;
      stand.textContent = "(bijwerken…)";
      var concepten = {};
      if (!veld.readOnly) concepten[p] = veld.value;
      api("POST", basis() + "/voorbeeld", { concepten: concepten }).then(function (uit) {
        if (!uit.ok) { stand.textContent = "(" + fout(uit) + ")"; return; }
        var y = 0;
        try { y = frame.contentWindow.scrollY; } catch (err) { y = 0; }
        frame.addEventListener("load", function terug() {
          frame.removeEventListener("load", terug);
          try { frame.contentWindow.scrollTo(0, y); } catch (err) { /* een andere pagina */ }
        });
        frame.src = uit.json.adres;
        stand.textContent = uit.json.ok ? "(bijgewerkt)" : "(met fouten: zie de meldingen)";
        var doel = $("tekst-meldingen");
        doel.textContent = "";
        if (uit.json.meldingen.length) doel.appendChild(meldingen(uit.json.meldingen));
      }).finally(function () {
        bezigMet = false;
        if (nogEens) { nogEens = false; voorbeeld(); }
      });
    }

    function gewijzigd() {
      if (opslag) opslag.textContent = veld.value === opgeslagen ? "Opgeslagen." : "Niet opgeslagen wijzigingen.";
      clearTimeout(klok);
      klok = setTimeout(voorbeeld, 500);
    }

    function opslaan() {
      var koppen = nieuw ? { "If-None-Match": "*" } : { "If-Match": etag };
      var inhoud = veld.value;
      opslag.textContent = "Bezig met opslaan…";
      api("PUT", basis() + "/bestanden/" + pad(p), new Blob([inhoud], { type: "text/markdown" }), koppen).then(function (uit) {
        if (uit.ok) {
          etag = uit.json.bestand.etag;
          nieuw = false;
          opgeslagen = inhoud;
          eigenStaat = uit.json.staat;
          opslag.textContent = uit.json.uitkomst === "ongewijzigd" ? "Opgeslagen (niets veranderd)." :
            "Opgeslagen als versie " + uit.json.bestand.versie + ".";
          if (uit.json.controle === "bezig") { wachtOpOordeel(eigenStaat); } else { toonOordeel(uit.json.controle); }
        } else if (uit.status === 412) {
          opslag.textContent = "";
          var el = $("tekst-meldingen");
          el.textContent = "";
          var melding = document.createElement("p");
          melding.className = "fout";
          melding.setAttribute("role", "alert");
          melding.textContent = fout(uit) + ". Open de geschiedenis om beide versies te vergelijken.";
          el.appendChild(melding);
        } else {
          opslag.textContent = fout(uit);
        }
      });
    }

    veld.addEventListener("input", gewijzigd);
    var form = $("tekst-opslaan");
    form.addEventListener("submit", function (e) { e.preventDefault(); if (opslag) opslaan(); });
    document.addEventListener("keydown", function (e) {
      if ((e.ctrlKey || e.metaKey) && e.key === "s" && opslag) { e.preventDefault(); opslaan(); }
    });
    window.addEventListener("beforeunload", function (e) {
      if (opslag && veld.value !== opgeslagen) { e.preventDefault(); e.returnValue = ""; }
    });
    stroom = volg(function (staat, controle) {
      if (controle) {
        gehoord = controle;
        if (staat === eigenStaat) toonOordeel(controle);
        return;
      }
      var eerder = laatste;
      laatste = staat;
      if (eerder === null) return;
      if (staat !== eerder && staat !== eigenStaat) voorbeeld();
    });
    voorbeeld();
  }

  /* -- geschiedenis en account ----------------------------------------------------------- */

  function geschiedenis() {
    document.querySelectorAll("[data-herstel]").forEach(function (knop) {
      knop.addEventListener("click", function () {
        var versie = knop.getAttribute("data-herstel");
        api("POST", basis() + "/versies/" + versie + "/herstellen").then(function (uit) {
          if (uit.ok) { location.reload(); } else { zeg(fout(uit)); }
        });
      });
    });
  }

  function account() {
    $("token-nieuw").addEventListener("click", function () {
      api("POST", "/api/tokens").then(function (uit) {
        var doel = $("token-uitkomst");
        doel.textContent = "";
        if (!uit.ok) { zeg(fout(uit)); return; }
        var p = document.createElement("p");
        p.textContent = "Uw nieuwe token (u ziet het maar één keer):";
        var pre = document.createElement("pre");
        pre.className = "token";
        pre.textContent = uit.json.token;
        doel.appendChild(p);
        doel.appendChild(pre);
      });
    });
    document.querySelectorAll("[data-token-weg]").forEach(function (knop) {
      knop.addEventListener("click", function () {
        api("DELETE", "/api/tokens/" + knop.getAttribute("data-token-weg")).then(function (uit) {
          if (uit.ok) location.reload(); else zeg(fout(uit));
        });
      });
    });
  }

  var paginas = { rapporten: rapporten, rapport: rapportPagina, tekst: tekstPagina, geschiedenis: geschiedenis, account: account };
  var start = paginas[body.getAttribute("data-pagina")];
  if (start) start();
})();
