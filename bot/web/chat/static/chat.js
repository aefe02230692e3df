// The children's chat, made quicker where JavaScript runs; every form works without it.
// - Quick exit (its button, or Esc) empties the page and replaces this history entry with
//   a neutral site, so Back does not bring the chat back.
// - Answers post in the background and the chat is redrawn in place.
// - "Read it to me" reads the question aloud with the browser's own speech synthesis.
"use strict";

(function () {
  var exit = document.querySelector(".quick-exit");

  function quickExit(event) {
    if (event) event.preventDefault();
    var target = exit ? exit.href : "about:blank";
    document.title = "";
    document.body.textContent = "";
    if (window.speechSynthesis) window.speechSynthesis.cancel();
    window.location.replace(target);
  }

  if (exit) exit.addEventListener("click", quickExit);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") quickExit(event);
  });

  function showReadAloud(root) {
    if (!("speechSynthesis" in window)) return;
    root.querySelectorAll(".read-aloud").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var source = document.getElementById(button.getAttribute("data-read"));
        if (!source) return;
        window.speechSynthesis.cancel();
        var words = new SpeechSynthesisUtterance(source.textContent.trim());
        words.lang = document.documentElement.lang || "en-GB";
        window.speechSynthesis.speak(words);
      });
    });
  }

  function enhance(root) {
    root.querySelectorAll("form[data-enhance]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.fetch || !window.DOMParser) return;
        event.preventDefault();
        var data = new FormData(form, event.submitter || undefined);
        form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
        fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
          .then(function (response) { return response.text(); })
          .then(function (html) { redraw(html); })
          .catch(function () { form.submit(); });
      });
    });
  }

  function redraw(html) {
    var next = new DOMParser().parseFromString(html, "text/html").getElementById("page");
    var page = document.getElementById("page");
    if (!next || !page) { window.location.reload(); return; }
    page.replaceWith(next);
    enhance(next);
    showReadAloud(next);
    var focus = next.querySelector(".prompt .question") || next.querySelector("textarea");
    if (focus) focus.focus();
    var last = next.querySelector(".prompt") || next.querySelector(".chat li:last-child");
    if (last) last.scrollIntoView({ block: "nearest" });
  }

  enhance(document);
  showReadAloud(document);
})();
