/* LaGiftArt front-end monitoring: Core Web Vitals (LCP, INP, CLS) and JavaScript errors, sent to /beacon.
   Loaded only when the visitor's analytics consent allows it (analytics/templatetags/analytics.py). Sends numbers,
   the page path (no query string) and, for errors, a short scrubbed message: no identifiers. sendBeacon carries
   the browser's same-origin cookies; the endpoint reads only the consent choice from them and sets none.
   Tested in Chromium by analytics/tests/test_vitals_browser.py. */
(function () {
  "use strict";
  var script = document.currentScript;
  var endpoint = (script && script.getAttribute("data-beacon")) || "/beacon";
  var path = location.pathname;
  var vitals = {};
  var sent = false;
  var errorsSent = 0;

  function send(body) {
    var data = JSON.stringify(body);
    if (data.length > 4000) return;
    if (navigator.sendBeacon) {
      navigator.sendBeacon(endpoint, new Blob([data], { type: "application/json" }));
    } else if (window.fetch) {
      fetch(endpoint, { method: "POST", body: data, headers: { "Content-Type": "application/json" },
        keepalive: true, credentials: "same-origin" });
    }
  }

  function observe(type, callback, options) {
    try {
      var observer = new PerformanceObserver(function (list) { list.getEntries().forEach(callback); });
      var init = { type: type, buffered: true };
      for (var key in options || {}) init[key] = options[key];
      observer.observe(init);
    } catch (e) { /* The browser does not support this entry type: report what it does support. */ }
  }

  // LCP: the latest largest-contentful-paint entry before the first input or the page being hidden.
  observe("largest-contentful-paint", function (entry) { vitals.lcp = Math.round(entry.startTime); });

  // CLS: the largest session window of layout shifts without recent input (gaps < 1 s, windows < 5 s).
  var session = 0, sessionStart = 0, sessionLast = 0, cls = 0;
  observe("layout-shift", function (entry) {
    if (entry.hadRecentInput) return;
    if (session && entry.startTime - sessionLast < 1000 && entry.startTime - sessionStart < 5000) {
      session += entry.value;
    } else {
      session = entry.value;
      sessionStart = entry.startTime;
    }
    sessionLast = entry.startTime;
    if (session > cls) { cls = session; vitals.cls = Math.round(cls * 10000) / 10000; }
  });

  // INP: the slowest interaction's duration (interactions grouped by interactionId); close to the p98 that
  // web-vitals reports for pages with fewer than 50 interactions, which is nearly all of ours.
  var interactions = {};
  observe("event", function (entry) {
    if (!entry.interactionId) return;
    var previous = interactions[entry.interactionId] || 0;
    interactions[entry.interactionId] = Math.max(previous, entry.duration);
    var slowest = 0;
    for (var id in interactions) slowest = Math.max(slowest, interactions[id]);
    vitals.inp = Math.round(slowest);
  }, { durationThreshold: 40 });

  function flush() {
    if (sent) return;
    var body = { kind: "vitals", path: path };
    var any = false;
    ["lcp", "inp", "cls"].forEach(function (name) {
      if (typeof vitals[name] === "number") { body[name] = vitals[name]; any = true; }
    });
    if (!any) return;
    sent = true;
    send(body);
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush();
  });
  window.addEventListener("pagehide", flush);

  // An error message can quote what someone typed: email addresses and long numbers (cards, phones, order
  // references) are cut out here, before the report leaves the browser. The server scrubs again.
  function scrub(text) {
    return String(text).replace(/[^\s@]+@[^\s@]+/g, "…").replace(/\d{6,}/g, "…");
  }

  function reportError(message, source, line, column) {
    if (errorsSent >= 5) return;
    errorsSent += 1;
    var body = { kind: "error", path: path, message: scrub(message || "error").slice(0, 300) };
    if (source) {
      try { body.source = new URL(source, location.href).pathname.slice(0, 300); } catch (e) { /* ignore */ }
    }
    if (typeof line === "number") body.line = line;
    if (typeof column === "number") body.column = column;
    send(body);
  }
  window.addEventListener("error", function (event) {
    if (event.message) reportError(event.message, event.filename, event.lineno, event.colno);
  });
  window.addEventListener("unhandledrejection", function (event) {
    var reason = event.reason;
    reportError("Unhandled rejection: " + (reason && reason.message ? reason.message : String(reason)));
  });
})();
