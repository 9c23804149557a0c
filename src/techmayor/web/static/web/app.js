/* Small behaviours on top of htmx: the search-as-you-type picker, removable rows. No framework. */
(function () {
  "use strict";

  function chip(name, id, label, removeLabel) {
    var span = document.createElement("span");
    span.className = "tm-chip badge rounded-pill text-bg-primary";
    var text = document.createElement("span");
    text.className = "tm-chip-label";
    text.textContent = label;
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = id;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close btn-close-white";
    close.setAttribute("data-tm-unpick", "");
    close.setAttribute("aria-label", removeLabel || "×");  // the page gives it in the reader's language
    span.append(text, input, close);
    return span;
  }

  function choose(picker, id, label) {
    var chosen = picker.querySelector(".tm-picker-chosen");
    if (picker.dataset.multiple !== "true") {
      chosen.innerHTML = "";
    } else if (chosen.querySelector('input[value="' + id + '"]')) {
      return;
    }
    chosen.appendChild(chip(picker.dataset.name, id, label, picker.dataset.removeLabel));
    picker.querySelector(".tm-picker-results").innerHTML = "";
    var search = picker.querySelector("input[type=search]");
    search.value = "";
    search.classList.remove("is-invalid");
    picker.dispatchEvent(new CustomEvent("tm:picked", { bubbles: true, detail: { id: id, label: label } }));
  }

  document.addEventListener("click", function (ev) {
    var pick = ev.target.closest("[data-tm-pick]");
    if (pick) {
      ev.preventDefault();
      var target = pick.dataset.tmTarget;
      var picker = target ? document.querySelector('.tm-picker[data-name="' + target + '"]') : pick.closest(".tm-picker");
      if (picker) {
        choose(picker, pick.dataset.id, pick.dataset.label);
        if (target) { picker.scrollIntoView({ block: "center" }); }
      }
      return;
    }
    var unpick = ev.target.closest("[data-tm-unpick]");
    if (unpick) {
      ev.preventDefault();
      unpick.closest(".tm-chip").remove();
      return;
    }
    var remove = ev.target.closest("[data-tm-remove]");
    if (remove) {
      ev.preventDefault();
      remove.closest("[data-tm-row]").remove();
      return;
    }
    var create = ev.target.closest("[data-tm-new-enterprise]");
    var section = document.getElementById("tm-new-enterprise");
    if (create && section) {
      ev.preventDefault();
      section.open = true;
      var name = section.querySelector('[name="new_name"]');
      if (name) { name.value = create.dataset.name || ""; name.dispatchEvent(new Event("change", { bubbles: true })); name.focus(); }
      var results = create.closest(".tm-picker-results");
      if (results) { results.innerHTML = ""; }
    }
  });

  /* Picking an existing enterprise empties the "new enterprise" fields, so only one is sent. */
  document.addEventListener("tm:picked", function (ev) {
    var picker = ev.target;
    var section = document.getElementById("tm-new-enterprise");
    if (section && picker.dataset.name === "enterprise") {
      section.querySelectorAll("input[type=text], input:not([type])").forEach(function (i) { i.value = ""; });
      section.open = false;
      var warn = document.getElementById("tm-duplicates");
      if (warn) { warn.innerHTML = ""; }
    }
  });
  /* Behaviours that would otherwise be inline handlers, which the Content-Security-Policy forbids:
     a select that submits its form, a form that asks first, copy to the clipboard, print. */
  document.addEventListener("change", function (ev) {
    if (ev.target.matches("select[data-tm-autosubmit]")) { ev.target.form.submit(); }
  });
  document.addEventListener("submit", function (ev) {
    var form = ev.target.closest("form[data-tm-confirm]");
    if (form && !window.confirm(form.dataset.tmConfirm)) { ev.preventDefault(); }
  });
  document.addEventListener("click", function (ev) {
    var copy = ev.target.closest("[data-tm-copy]");
    if (copy && navigator.clipboard) {
      navigator.clipboard.writeText(document.getElementById(copy.dataset.tmCopy).value);
    }
    if (ev.target.closest("[data-tm-print]")) { window.print(); }
  });
})();
