// citywatch dashboard: small improvements only; every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Filters apply as soon as a menu changes (text fields still wait for Enter or the button).
  for (const form of document.querySelectorAll("form[data-autosubmit]")) {
    for (const select of form.querySelectorAll("select")) {
      select.addEventListener("change", () => form.requestSubmit());
    }
    // Empty fields stay out of the address, so shared links are short.
    form.addEventListener("submit", () => {
      for (const field of form.querySelectorAll("input, select")) {
        if (!field.value) field.disabled = true;
      }
    });
  }
  // Coming back to the page (history), the fields are usable again.
  window.addEventListener("pageshow", () => {
    for (const field of document.querySelectorAll("form[data-autosubmit] [disabled]")) {
      field.disabled = false;
    }
  });
  // On the map, a country and its row in the table light up together.
  const map = document.getElementById("worldmap");
  const ranking = document.getElementById("ranking");
  if (map && ranking) {
    const light = (code, on) => {
      for (const el of document.querySelectorAll(`[data-code="${CSS.escape(code)}"]`)) {
        el.classList.toggle("hot", on);
      }
    };
    for (const el of document.querySelectorAll("#worldmap a[data-code], #ranking tr[data-code]")) {
      el.addEventListener("mouseenter", () => light(el.dataset.code, true));
      el.addEventListener("mouseleave", () => light(el.dataset.code, false));
    }
  }
});
