// wacr-sandbox web inbox: live updates. The server sends a `change` event (server-sent events)
// whenever the sandbox's state changes; the page then fetches itself again and swaps each region
// marked `data-live` (forms stay outside them, so typing is never lost). A delivery state that
// moves with time alone (sent -> delivered -> read) is fetched when the page says it will.
(function () {
  "use strict";
  var busy = false, again = false, timer = null;

  function schedule(doc) {
    clearTimeout(timer);
    var ms = Number(doc.body.getAttribute("data-next-change-ms") || 0);
    if (ms > 0) timer = setTimeout(refresh, ms + 250);
  }

  function swap(doc) {
    document.querySelectorAll("[data-live]").forEach(function (region) {
      var fresh = doc.getElementById(region.id);
      if (fresh && fresh.innerHTML !== region.innerHTML) region.innerHTML = fresh.innerHTML;
    });
    document.body.setAttribute("data-next-change-ms", doc.body.getAttribute("data-next-change-ms") || "0");
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (response.redirected && response.url.indexOf("/login") >= 0) { location.href = response.url; return null; }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html === null) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        swap(doc);
        schedule(doc);
        document.body.setAttribute("data-updates", String(Number(document.body.getAttribute("data-updates") || 0) + 1));
      })
      .catch(function () {})
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }

  var url = document.body.getAttribute("data-events");
  if (url && window.EventSource) {
    var events = new EventSource(url);
    events.addEventListener("change", refresh);
    events.addEventListener("open", function () { document.body.setAttribute("data-live-connected", "true"); });
  }
  schedule(document);
})();
