// The review page: a comment box opened on an answer takes the focus, so that one can
// type at once (the box is a <details>, which opens without JavaScript too).
(function () {
  "use strict";

  // "toggle" does not bubble: listened for while it descends to the <details>.
  document.addEventListener(
    "toggle",
    function (event) {
      var details = event.target;
      if (!details.classList || !details.classList.contains("review-comment-form")) return;
      if (!details.open) return;
      var textarea = details.querySelector("textarea");
      if (textarea) textarea.focus();
    },
    true
  );
})();
