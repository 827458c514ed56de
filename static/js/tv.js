// The wall display: a clock, a full-screen button, the screen kept awake, and a banner while the
// network is away. htmx keeps polling through errors, so the board comes back by itself.
(function () {
  "use strict";
  var banner = document.querySelector(".tv-offline");

  function offline() { if (banner) banner.hidden = false; }
  function online(event) { if (banner && event.detail.successful) banner.hidden = true; }
  ["htmx:sendError", "htmx:responseError", "htmx:timeout"].forEach(function (name) {
    document.addEventListener(name, offline);
  });
  document.addEventListener("htmx:afterRequest", online);

  var clock = document.querySelector("[data-clock]");
  function tick() {  // the brand's time, whatever the screen's own clock is set to
    if (clock) clock.textContent = new Date().toLocaleTimeString(document.documentElement.lang, { timeZone: clock.dataset.timeZone });
  }
  tick();
  setInterval(tick, 1000);

  var button = document.querySelector("[data-fullscreen]");
  if (button) {
    button.addEventListener("click", function () {
      if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen();
    });
    document.addEventListener("fullscreenchange", function () { button.hidden = !!document.fullscreenElement; });
  }

  function stayAwake() {
    if (navigator.wakeLock && document.visibilityState === "visible") {
      navigator.wakeLock.request("screen").catch(function () {});
    }
  }
  stayAwake();
  document.addEventListener("visibilitychange", stayAwake);
})();
