// crosscheck web UI: the only script, served from /static (the CSP forbids inline script).
// Opens the removed-boilerplate panel when the address asks for it (#removed).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var panel = document.querySelector("details.removed");
  if (panel && window.location.hash === "#removed") { panel.open = true; }
});
