// Behaviour every page shares, kept out of the HTML so that the Content-Security-Policy can
// forbid inline scripts: a select marked data-autosubmit submits its form when changed.
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-autosubmit]")) event.target.form.submit();
});
