// Autosave support: say "unsaved" while typing and warn before leaving a page with
// typed text that has not been saved. Texts come from the data attributes of the
// enclosing [data-autosave-texts] element, which the template translates.
(function () {
  "use strict";
  var edits = new WeakMap(); // form -> number of edits so far
  var sent = new WeakMap(); // form -> number of edits included in the request in flight
  var dirty = new Set();

  function autosaveForm(element) {
    return element && element.closest ? element.closest("form[data-autosave]") : null;
  }

  function setState(form, key) {
    var texts = form.closest("[data-autosave-texts]");
    var state = form.querySelector(".save-state");
    if (state && texts && texts.dataset[key]) state.textContent = texts.dataset[key];
  }

  document.addEventListener("input", function (event) {
    var form = autosaveForm(event.target);
    if (!form) return;
    edits.set(form, (edits.get(form) || 0) + 1);
    dirty.add(form);
    setState(form, "unsavedText");
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = autosaveForm(event.detail.elt);
    if (form) sent.set(form, edits.get(form) || 0);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = autosaveForm(event.detail.elt);
    if (!form || !document.contains(form)) return;
    var refused = form.querySelector(".save-state .text-danger");
    if (event.detail.successful && !refused && sent.get(form) === (edits.get(form) || 0)) {
      dirty.delete(form);
    } else if (!refused && sent.get(form) !== (edits.get(form) || 0)) {
      // The answer is about an earlier save: what was typed since is not saved yet.
      setState(form, "unsavedText");
    }
  });

  // A refused save swaps in a card built from the text of that request; keep what
  // the person typed while it was on its way.
  var typed = {}; // card id -> {field name: value}
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = autosaveForm(event.detail.elt);
    var target = event.detail.target;
    if (!form || !target || !target.classList.contains("answer-card")) return;
    var values = {};
    form.querySelectorAll("textarea").forEach(function (field) {
      values[field.name] = field.value;
    });
    var checked = form.querySelector("input[type=radio]:checked");
    if (checked) values[checked.name] = checked.value;
    typed[target.id] = values;
  });

  document.addEventListener("htmx:sendError", function (event) {
    var form = autosaveForm(event.detail.elt);
    if (form) setState(form, "offlineText");
  });

  // A save refused because the assessment was submitted meanwhile (403) says why; the
  // typed text stays in the form, which stays "unsaved".
  function refusalText(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var node = doc.querySelector(".save-state .text-danger");
    return node ? node.textContent.replace(/\s+/g, " ").trim() : "";
  }

  document.addEventListener("htmx:responseError", function (event) {
    var form = autosaveForm(event.detail.elt);
    if (!form) return;
    var state = form.querySelector(".save-state");
    var refusal = event.detail.xhr.status === 403 ? refusalText(event.detail.xhr.responseText) : "";
    if (state && refusal) {
      var span = document.createElement("span");
      span.className = "text-danger";
      span.textContent = refusal;
      state.replaceChildren(span);
    } else {
      setState(form, "errorText");
    }
  });

  // A conflict replaces the card with a form holding this person's unsaved text.
  document.addEventListener("htmx:load", function (event) {
    var elt = event.detail.elt;
    if (!elt.querySelectorAll) return;
    var values = typed[elt.id];
    if (values) {
      delete typed[elt.id];
      elt.querySelectorAll("textarea, input[type=radio]").forEach(function (field) {
        if (!(field.name in values)) return;
        if (field.type === "radio") field.checked = field.value === values[field.name];
        else field.value = values[field.name];
      });
    }
    elt.querySelectorAll("form[data-autosave][data-unsaved]").forEach(function (form) {
      dirty.add(form);
    });
  });

  window.addEventListener("beforeunload", function (event) {
    dirty.forEach(function (form) {
      if (!document.contains(form)) dirty.delete(form);
    });
    if (dirty.size) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

})();
