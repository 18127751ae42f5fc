// Accessible names for widgets the Django admin's scripts build after the page loads:
// the select2 boxes of autocomplete fields take their field's label, and the search
// icons of the two-box selector get a role that allows their aria-label.
(function () {
  "use strict";

  function labelText(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/[\s:]+$/, "").trim() : "";
  }

  function fix(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      var name = labelText(select);
      if (!container || !name) return;
      container.querySelectorAll('[role="combobox"], [role="textbox"]').forEach(function (box) {
        if (!box.hasAttribute("aria-label")) box.setAttribute("aria-label", name);
      });
    });
    root.querySelectorAll("span.search-label-icon[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  new MutationObserver(function () {
    fix(document);
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", function () {
    fix(document);
  });
})();
