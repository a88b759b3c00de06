// The new-case form: add and remove household members without losing what was typed.
// Plain JavaScript, no library; without it the form still posts what is on the page.
document.addEventListener("DOMContentLoaded", () => {
  const list = document.getElementById("dependants");
  const template = document.getElementById("dependant-template");
  const add = document.getElementById("add-member");
  if (!list || !template || !add) return;
  let next = Number(list.dataset.next || "0");
  add.addEventListener("click", () => {
    const html = template.innerHTML.replaceAll("dependants-__N__", "dependants-" + next);
    next += 1;
    list.insertAdjacentHTML("beforeend", html);
    const added = list.lastElementChild;
    const first = added && added.querySelector("input");
    if (first) first.focus();
  });
  list.addEventListener("click", (event) => {
    const button = event.target.closest("[data-remove-member]");
    if (!button) return;
    button.closest("fieldset[data-dependant]").remove();
    add.focus();
  });
});

// Document uploads: a file dropped on a drop zone goes into its file picker (which stays the
// way to choose a file with the keyboard); a file over the size limit is named before it is
// sent, so nothing is uploaded in vain. Without this script the form posts the picked file.
document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-upload]")) {
    const zone = form.querySelector("[data-dropzone]");
    const input = form.querySelector('input[type="file"]');
    const status = form.querySelector("[data-drop-status]");
    const hint = form.querySelector("[data-drop-hint]");
    if (!zone || !input) continue;
    const max = Number(form.dataset.maxBytes || "0");
    if (hint) hint.hidden = false;
    let tooLarge = "";
    const show = () => {
      const file = input.files && input.files[0];
      tooLarge = file && max && file.size > max
        ? `the file is ${file.size} bytes; the largest accepted is ${max} bytes` : "";
      if (status) {
        status.textContent = tooLarge || (file ? `Chosen: ${file.name}` : "");
        status.classList.toggle("error", Boolean(tooLarge));
      }
    };
    for (const type of ["dragenter", "dragover"]) {
      zone.addEventListener(type, (event) => {
        event.preventDefault();
        zone.classList.add("dragging");
      });
    }
    zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      zone.classList.remove("dragging");
      const files = event.dataTransfer && event.dataTransfer.files;
      if (!files || !files.length) return;
      input.files = files;
      show();
      input.focus();
    });
    input.addEventListener("change", show);
    form.addEventListener("submit", (event) => {
      show();
      if (tooLarge) {
        event.preventDefault();
        input.focus();
      }
    });
  }
});
