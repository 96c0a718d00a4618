/* The SPARQL workbench on /sparql: YASGUI pointed at this very endpoint (POST), one tab per named query.
   Without this script (or without YASGUI), the plain form of the page posts to /sparql. */
(function () {
  "use strict";
  var holder = document.getElementById("atelier");
  if (!holder || typeof window.Yasgui !== "function") return;
  var tabs = JSON.parse(document.getElementById("atelier-onglets").textContent);
  var endpoint = window.location.origin + window.location.pathname;  // the page is the endpoint
  document.getElementById("atelier-formulaire").hidden = true;
  holder.hidden = false;
  var yasgui = new window.Yasgui(holder, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: false,
    autoAddOnInit: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: { value: tabs.length ? tabs[0].query : "SELECT * WHERE { ?s ?p ?o } LIMIT 10" }
  });
  tabs.forEach(function (t, i) {
    var tab = yasgui.addTab(i === 0, { name: t.name, yasqe: { value: t.query }, requestConfig: { endpoint: endpoint, method: "POST" } });
    tab.setName && tab.setName(t.name);
  });
  // YASGUI leaves its endpoint field and its editor unlabelled: name them for screen readers
  function label() {
    holder.querySelectorAll("input.autocomplete").forEach(function (i) { i.setAttribute("aria-label", "Point d'accès SPARQL"); });
    holder.querySelectorAll(".CodeMirror textarea").forEach(function (t) { t.setAttribute("aria-label", "Requête SPARQL"); });
  }
  label();
  yasgui.on("tabSelect", function () { window.setTimeout(label, 0); });
  yasgui.on("tabAdd", function () { window.setTimeout(label, 0); });
  window.yasgui = yasgui;
})();
