/* The register on a tablet: marking someone updates their row and the running count in place, so the trainer keeps
   their place and the page does not reload. Without this file each mark reloads the page at the row just marked
   (the server redirects to its #person-N anchor). On any failure the form is submitted the ordinary way. */
(function () {
  "use strict";

  function replaceFrom(fresh, id) {
    const now = document.getElementById(id);
    const next = fresh.getElementById(id);
    if (now && next) {
      now.replaceWith(document.importNode(next, true));
    }
    return document.getElementById(id);
  }

  function showBanners(fresh) {
    const main = document.getElementById("main-content");
    main.querySelectorAll(":scope > .govuk-notification-banner").forEach((old) => old.remove());
    const banners = fresh.querySelectorAll("#main-content > .govuk-notification-banner");
    Array.from(banners).reverse().forEach((banner) => main.prepend(document.importNode(banner, true)));
  }

  async function mark(form, button) {
    const data = new FormData(form);
    if (button && button.name) {
      data.append(button.name, button.value);
    }
    const response = await fetch(form.action, {method: "POST", body: data, credentials: "same-origin"});
    if (!response.ok) {
      throw new Error("status " + response.status);
    }
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    const rowId = form.dataset.registerRow;
    if (!fresh.getElementById(rowId)) {
      throw new Error("row not found");
    }
    const top = document.getElementById(rowId).getBoundingClientRect().top;
    showBanners(fresh);
    replaceFrom(fresh, "register-count");
    const row = replaceFrom(fresh, rowId);
    // The message banner above pushes the list down: scroll by as much, so the row stays under the finger.
    window.scrollBy(0, row.getBoundingClientRect().top - top);
    const again = button && row.querySelector(`button[name="${button.name}"][value="${button.value}"]`);
    if (again) {
      again.focus({preventScroll: true});
    }
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.matches("form[data-register-row]") || form.dataset.plain) {
      return;
    }
    event.preventDefault();
    const button = event.submitter;
    mark(form, button).catch(() => {
      form.dataset.plain = "yes";
      form.requestSubmit(button);
    });
  });
}());
