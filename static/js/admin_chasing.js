// The chasing desk's ticking shortcuts: tick every State listed, the overdue, those not
// started, or none, then untick any before sending. Without JavaScript the shortcuts stay
// hidden and the desk's own buttons choose the same States on the server.
(function () {
  "use strict";

  var MATCHES = {
    all: function () {
      return true;
    },
    overdue: function (box) {
      return box.hasAttribute("data-overdue");
    },
    "not-started": function (box) {
      return box.hasAttribute("data-not-started");
    },
    none: function () {
      return false;
    },
  };

  function boxes(form) {
    return Array.prototype.slice.call(form.querySelectorAll('input[type="checkbox"][name="state"]'));
  }

  function announce(form, count) {
    var status = form.querySelector(".chasing-count");
    if (status) status.textContent = status.getAttribute("data-label") + " " + count;
  }

  function ticked(form) {
    return boxes(form).filter(function (box) {
      return box.checked;
    }).length;
  }

  function setUp(form) {
    var toolbar = form.querySelector(".chasing-select");
    if (!toolbar || !boxes(form).length) return;
    toolbar.hidden = false;
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-select]");
      if (!button) return;
      var matches = MATCHES[button.getAttribute("data-select")];
      if (!matches) return;
      boxes(form).forEach(function (box) {
        box.checked = matches(box);
      });
      announce(form, ticked(form));
    });
    form.addEventListener("change", function (event) {
      if (event.target.name === "state") announce(form, ticked(form));
    });
    // A page restored from the back/forward cache keeps its ticks: count them.
    announce(form, ticked(form));
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.chasing-form").forEach(setUp);
  });
})();
