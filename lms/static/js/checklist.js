/* Key steps: tick a checklist on this device and keep the checklists for use with no signal.
   Ticks live in this browser's localStorage, filed under the checklist and its content version, and are never sent
   anywhere: this file makes no network request of its own. Without it the page is a plain, printable list. */
(function () {
  "use strict";

  const script = document.currentScript;
  const PREFIX = "key-steps:";
  const NEXT = {todo: "done", done: "na", na: "todo"};
  const LABELS = {todo: "To do", done: "Done", na: "Not applicable"};

  const store = {
    read(key) {
      try {
        const value = JSON.parse(window.localStorage.getItem(key));
        return value && typeof value === "object" ? value : {};
      } catch (error) {
        return {};
      }
    },
    write(key, value) {
      try {
        if (Object.keys(value).length) {
          window.localStorage.setItem(key, JSON.stringify(value));
        } else {
          window.localStorage.removeItem(key);
        }
        return true;
      } catch (error) {
        return false;
      }
    },
    keysStartingWith(prefix) {
      try {
        return Object.keys(window.localStorage).filter((key) => key.startsWith(prefix));
      } catch (error) {
        return [];
      }
    },
  };

  function storageKey(slug, version) {
    return PREFIX + slug + ":" + version;
  }

  function progressText(states) {
    const notApplicable = states.filter((state) => state === "na").length;
    const done = states.filter((state) => state === "done").length;
    let text = done + " of " + (states.length - notApplicable) + " done";
    if (notApplicable) {
      text += ", " + notApplicable + " not applicable";
    }
    return text;
  }

  function enhanceChecklist(root) {
    const key = storageKey(root.dataset.checklist, root.dataset.version);
    const notice = root.querySelector("[data-notice]");
    const announcer = root.querySelector("[data-announce]");
    const steps = Array.from(root.querySelectorAll("[data-step]"));
    const sections = Array.from(root.querySelectorAll("[data-section]"));
    const newJob = root.querySelector("[data-new-job]");
    const confirm = document.getElementById(newJob.getAttribute("aria-controls"));
    let ticks = store.read(key);

    function tell(text) {
      notice.textContent = text;
      notice.hidden = false;
    }

    function announce(text) {
      // Clear first so that saying the same thing twice is still announced.
      announcer.textContent = "";
      window.setTimeout(() => { announcer.textContent = text; }, 50);
    }

    function save() {
      if (!store.write(key, ticks)) {
        tell("This phone is not letting Key steps save your ticks (private browsing can do this). " +
             "They will be lost when you close the page.");
      }
    }

    // Ticks filed under an older version of this checklist belong to steps that may have changed: drop them.
    const stale = store.keysStartingWith(storageKey(root.dataset.checklist, "")).filter((other) => other !== key);
    if (stale.some((other) => Object.keys(store.read(other)).length)) {
      tell("This checklist has been updated since you last used it, so your earlier ticks have been cleared.");
    }
    stale.forEach((other) => store.write(other, {}));

    function stateOf(step) {
      return ticks[step.dataset.step] || "todo";
    }

    function render() {
      steps.forEach((step) => {
        const state = stateOf(step);
        step.dataset.state = state;
        step.querySelector("[data-status]").textContent = LABELS[state];
      });
      sections.forEach((section) => {
        const states = Array.from(section.querySelectorAll("[data-step]")).map(stateOf);
        const progress = section.querySelector("[data-progress]");
        progress.textContent = progressText(states);
        progress.hidden = false;
        section.classList.toggle("lms-cl-section--complete",
          states.every((state) => state !== "todo") && states.some((state) => state === "done"));
      });
      root.querySelector("[data-overall]").textContent = "Overall: " + progressText(steps.map(stateOf));
    }

    steps.forEach((step) => {
      const line = step.querySelector(".lms-cl-step__line");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "lms-cl-step__button";
      // The box is drawn only here: without this script nothing can be ticked, so nothing looks tickable.
      const box = document.createElement("span");
      box.className = "lms-cl-step__box";
      box.setAttribute("aria-hidden", "true");
      button.appendChild(box);
      while (line.firstChild) {
        button.appendChild(line.firstChild);
      }
      const status = document.createElement("span");
      status.className = "lms-cl-step__status";
      status.innerHTML = '<span class="govuk-visually-hidden">. Status: </span><span data-status></span>';
      button.appendChild(status);
      line.replaceWith(button);
      button.addEventListener("click", () => {
        const state = NEXT[stateOf(step)];
        if (state === "todo") {
          delete ticks[step.dataset.step];
        } else {
          ticks[step.dataset.step] = state;
        }
        save();
        render();
        const section = step.closest("[data-section]");
        announce(LABELS[state] + ": " + step.querySelector(".lms-cl-step__text").textContent + ". " +
                 section.querySelector("[data-progress]").textContent + " in " +
                 section.querySelector("h2").textContent + ".");
      });
    });

    function showConfirm(show) {
      confirm.hidden = !show;
      newJob.setAttribute("aria-expanded", String(show));
      (show ? confirm.querySelector("[tabindex='-1']") : newJob).focus();
    }

    newJob.addEventListener("click", () => showConfirm(confirm.hidden));
    confirm.querySelector("[data-cancel-new-job]").addEventListener("click", () => showConfirm(false));
    confirm.querySelector("[data-confirm-new-job]").addEventListener("click", () => {
      ticks = {};
      save();
      render();
      showConfirm(false);
      tell("All ticks cleared. Ready for a new job.");
      announce("All ticks cleared. Ready for a new job.");
    });

    // The reason for each step is one tap away; printing shows every reason.
    const reasons = Array.from(root.querySelectorAll("details"));
    reasons.forEach((details) => { details.open = false; });
    let openBeforePrint = [];
    window.addEventListener("beforeprint", () => {
      openBeforePrint = reasons.map((details) => details.open);
      reasons.forEach((details) => { details.open = true; });
    });
    window.addEventListener("afterprint", () => {
      reasons.forEach((details, index) => { details.open = openBeforePrint[index]; });
    });

    root.querySelector("[data-tools]").hidden = false;
    root.querySelector("[data-no-script]").hidden = true;
    render();
  }

  function showListProgress(item) {
    const ticks = store.read(storageKey(item.dataset.checklist, item.dataset.version));
    const done = Object.values(ticks).filter((state) => state === "done").length;
    if (done) {
      item.querySelector("[data-list-progress]").textContent = ", " + done + " done on this phone";
    }
  }

  function enablePrinting(button) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }

  function keepForOffline() {
    if (!("serviceWorker" in navigator)) {
      return;
    }
    navigator.serviceWorker.register(script.dataset.serviceWorker, {scope: script.dataset.scope})
      .then(() => navigator.serviceWorker.ready)
      .then(() => {
        document.querySelectorAll("[data-offline-status]").forEach((status) => {
          status.textContent = "Key steps is saved on this phone: it will open with no signal.";
          status.hidden = false;
        });
      })
      .catch(() => undefined);  // no offline copy (private browsing, or an old phone): the pages still work online
  }

  document.querySelectorAll(".lms-cl[data-checklist]").forEach(enhanceChecklist);
  document.querySelectorAll(".lms-cl-list__item[data-checklist]").forEach(showListProgress);
  document.querySelectorAll("[data-print]").forEach(enablePrinting);
  keepForOffline();
}());
