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
