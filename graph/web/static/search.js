// The search page works without JavaScript (a GET form). With it, ticking a filter applies it at once.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("recherche");
  if (!form) return;
  form.querySelectorAll(".rsr-facets input[type=checkbox]").forEach((box) => {
    box.addEventListener("change", () => {
      form.querySelectorAll("input[name=page]").forEach((p) => p.remove());
      form.requestSubmit ? form.requestSubmit() : form.submit();
    });
  });
});
