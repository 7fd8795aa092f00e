// On a first visit to a booking page, show the times in the browser's own time zone: if the
// visitor has not chosen a zone yet and the browser's differs from the one shown, ask for the
// page again with ?tz= (the server then remembers it). Without script, the form does the same.
(function () {
  "use strict";
  var form = document.getElementById("zone-form");
  if (!form || form.getAttribute("data-chosen") === "true") {
    return;
  }
  var detected;
  try {
    detected = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  var select = form.elements.namedItem("tz");
  if (!detected || !select || select.value === detected) {
    return;
  }
  var offered = Array.prototype.some.call(select.options, function (option) {
    return option.value === detected;
  });
  if (!offered) {
    return;
  }
  var url = new URL(window.location.href);
  url.searchParams.set("tz", detected);
  window.location.replace(url.toString());
})();
