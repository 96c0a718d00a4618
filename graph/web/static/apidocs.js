// /docs: Swagger UI (served from /assets/swagger-ui/) on the service's own OpenAPI description.
(function () {
  var node = document.getElementById("swagger-ui");
  if (!node || typeof SwaggerUIBundle !== "function") return;
  SwaggerUIBundle({ url: node.getAttribute("data-spec"), domNode: node, deepLinking: false });
})();
