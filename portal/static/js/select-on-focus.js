// A read-only field people copy from (a new API token): select its whole text
// when it is clicked or focused. A file, not an onclick attribute, so the
// Content-Security-Policy can forbid inline script.
document.querySelectorAll("[data-select-on-focus]").forEach((field) => {
  const select = () => field.select();
  field.addEventListener("focus", select);
  field.addEventListener("click", select);
});
