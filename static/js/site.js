// Behaviour every page shares, kept out of the HTML so that the Content-Security-Policy can
// forbid inline scripts: a select marked data-autosubmit submits its form when changed.
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-autosubmit]")) event.target.form.submit();
});

// A form that came back with errors: its summary at the top is read out, and the first field
// with an error takes the focus, however far down a long form it is.
document.addEventListener("DOMContentLoaded", function () {
  const summary = document.querySelector(".error-summary");
  if (!summary) return;
  const first = summary.closest("form")?.querySelector("[aria-invalid=true]");
  if (first) {
    first.focus({ preventScroll: true });
  }
  summary.scrollIntoView({ block: "center" });  // clear of a sticky header
});
