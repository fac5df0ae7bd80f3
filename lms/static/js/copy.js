/* A "Copy" button for a read-only field: shown only where the browser can copy to the clipboard. */
(function () {
  "use strict";

  if (!navigator.clipboard) {
    return;
  }
  document.querySelectorAll("[data-copy-box]").forEach((box) => {
    const button = box.querySelector("[data-copy]");
    const status = box.querySelector("[data-copy-status]");
    const field = document.getElementById(button.dataset.copy);
    box.hidden = false;
    button.addEventListener("click", () => {
      navigator.clipboard.writeText(field.value).then(
        () => { status.textContent = "Copied."; },
        () => { field.select(); status.textContent = "Select the address and copy it."; });
    });
  });
}());
