/* The interactive map of /network: cytoscape.js over the elements the page carries (the same as
   /network.json). Without this script the page shows the SVG drawing and the table instead. */
(function () {
  "use strict";
  var root = document.getElementById("network");
  var source = document.getElementById("network-data");
  if (!root || !source || typeof window.cytoscape !== "function") return;
  var data = JSON.parse(source.textContent);
  root.hidden = false;
  var details = document.getElementById("network-details");
  var maxDegree = data.nodes.reduce(function (m, n) { return Math.max(m, n.data.degree); }, 1);
  var presets = {};
  data.nodes.forEach(function (n) { presets[n.data.id] = { x: n.position.x, y: n.position.y }; });
  var edgeColours = { usage: "#3a3a3a", production: "#c9191e", operation: "#18753c", question: "#6a6af4", answer: "#a558a0" };

  function layout(name) {
    if (name === "preset") return { name: "preset", fit: true, padding: 30 };
    if (name === "concentric") {
      return { name: "concentric", fit: true, padding: 30, minNodeSpacing: 18, animate: false,
               concentric: function (n) { return n.data("degree"); }, levelWidth: function () { return 2; } };
    }
    return { name: "cose", fit: true, padding: 30, animate: false, randomize: false, nodeDimensionsIncludeLabels: true,
             idealEdgeLength: function () { return 40; }, nodeRepulsion: function () { return 12000; },
             edgeElasticity: function () { return 60; }, gravity: 1.2, numIter: 2000, componentSpacing: 30,
             nodeOverlap: 8 };
  }

  var cy = window.cytoscape({
    container: document.getElementById("network-canvas"),
    elements: data,
    layout: layout("preset"),
    minZoom: 0.1,
    maxZoom: 4,
    style: [
      { selector: "node", style: {
        "background-color": "data(colour)", "shape": "data(shape)", "label": "data(label)",
        "width": "mapData(degree, 0, " + maxDegree + ", 12, 46)", "height": "mapData(degree, 0, " + maxDegree + ", 12, 46)",
        "font-size": 11, "font-family": "Marianne, Arial, sans-serif", "color": "#161616",
        "text-valign": "bottom", "text-margin-y": 3, "text-wrap": "ellipsis", "text-max-width": "150px",
        "text-background-color": "#ffffff", "text-background-opacity": 0.8, "text-background-padding": "1px",
        "min-zoomed-font-size": 5 } },
      { selector: "edge", style: {
        "width": 1.5, "curve-style": "bezier", "line-color": function (e) { return edgeColours[e.data("kind")]; },
        "target-arrow-color": function (e) { return edgeColours[e.data("kind")]; }, "target-arrow-shape": "triangle",
        "arrow-scale": 0.8, "opacity": 0.7 } },
      { selector: "edge[kind = 'production']", style: { "line-style": "dashed" } },
      { selector: "edge[kind = 'operation']", style: { "line-style": "dotted" } },
      { selector: "edge[kind = 'question'], edge[kind = 'answer']", style: { "line-style": "dashed", "line-dash-pattern": [2, 4] } },
      { selector: "node.side", style: { "text-valign": "center", "text-margin-y": 0, "text-max-width": "230px",
        "width": "mapData(degree, 0, " + maxDegree + ", 9, 22)", "height": "mapData(degree, 0, " + maxDegree + ", 9, 22)" } },
      { selector: "node.side[side = 'left']", style: { "text-halign": "left", "text-margin-x": -5 } },
      { selector: "node.side[side = 'right']", style: { "text-halign": "right", "text-margin-x": 5 } },
      { selector: ".faded", style: { "opacity": 0.12 } },
      { selector: "node:selected", style: { "border-width": 3, "border-color": "#000091" } },
      { selector: "edge:selected", style: { "width": 3, "opacity": 1, "label": "data(label)", "font-size": 10,
        "text-wrap": "wrap", "text-max-width": "220px", "text-background-color": "#fff", "text-background-opacity": 0.9 } }
    ]
  });
  cy.nodes().addClass("side");
  cy.one("render", function () { cy.fit(undefined, 20); });  // once labels are measured: keep them in view
  window.cy = cy;

  function show(parts) {
    details.innerHTML = "";
    parts.forEach(function (p) { details.appendChild(p); });
  }
  function para(text, cls) {
    var p = document.createElement("p");
    if (cls) p.className = cls;
    p.textContent = text;
    return p;
  }
  function link(href, text) {
    var p = document.createElement("p");
    var a = document.createElement("a");
    a.href = href; a.className = "fr-link fr-icon-arrow-right-line fr-link--icon-right"; a.textContent = text;
    p.appendChild(a);
    return p;
  }
  function focus(element) {
    cy.elements().addClass("faded");
    element.closedNeighborhood().removeClass("faded");
    element.connectedNodes().removeClass("faded");
  }

  cy.on("tap", "node", function (evt) {
    var n = evt.target, d = n.data();
    focus(n);
    var parts = [para(d.typeLabel, "fr-badge fr-badge--sm fr-mb-1w"), para(d.label, "fr-text--bold fr-mb-1v")];
    if (d.kind) parts.push(para(d.kind + (d.themes && d.themes.length ? " · " + d.themes.join(", ") : ""), "fr-text--sm fr-mb-1v"));
    parts.push(para(d.degree + (d.degree > 1 ? " liens" : " lien"), "fr-text--sm fr-mb-1v"));
    parts.push(link(d.href, "Voir la fiche"));
    show(parts);
  });
  cy.on("tap", "edge", function (evt) {
    var e = evt.target, d = e.data();
    focus(e);
    var parts = [para(d.kindLabel, "fr-badge fr-badge--sm fr-mb-1w"),
                 para(e.source().data("label") + " → " + e.target().data("label"), "fr-text--bold fr-mb-1v")];
    if (d.label) parts.push(para(d.label, "fr-text--sm fr-mb-1v"));
    if (d.href) parts.push(link(d.href, d.kind === "usage" ? "Voir la fiche de l'usage" : d.kind === "answer" ? "Voir la réponse" : "Voir la question"));
    show(parts);
  });
  cy.on("tap", function (evt) {
    if (evt.target === cy) { cy.elements().removeClass("faded"); }
  });
  document.getElementById("network-layout").addEventListener("change", function (evt) {
    cy.nodes().toggleClass("side", evt.target.value === "preset");
    if (evt.target.value === "preset") {
      cy.nodes().forEach(function (n) { n.position(presets[n.id()]); });
    }
    var running = cy.layout(layout(evt.target.value));
    running.one("layoutstop", function () { cy.fit(undefined, 20); });
    running.run();
  });
  document.getElementById("network-fit").addEventListener("click", function () { cy.fit(undefined, 30); });
})();
