// Live boards are swapped in whole every second (htmx, outerHTML). Before a swap, remember each
// competitor's place and value; after it, mark who moved up or down, who is new and whose
// value changed, so a viewer sees what happened rather than a silently different table.
(function () {
  "use strict";
  var previous = {};

  function places(board) {
    var found = {};
    board.querySelectorAll("[data-key]").forEach(function (row) {
      found[row.dataset.key] = { position: parseInt(row.dataset.position, 10), value: row.dataset.value };
    });
    return found;
  }

  function mark(row, className, text) {
    row.classList.add(className);
    if (text) {
      var badge = document.createElement("span");
      badge.className = "move " + className;
      badge.textContent = text;
      (row.querySelector(".rank, .tv-rank") || row).appendChild(badge);
    }
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (target && target.classList && target.classList.contains("board-live") && event.detail.xhr.status === 200) {
      previous[target.id] = places(target);
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    Object.keys(previous).forEach(function (id) {
      var board = document.getElementById(id);
      var before = previous[id];
      delete previous[id];
      if (!board) return;
      board.querySelectorAll("[data-key]").forEach(function (row) {
        var was = before[row.dataset.key];
        var position = parseInt(row.dataset.position, 10);
        if (!was) {
          mark(row, "entered", board.dataset.newLabel);
        } else if (position < was.position) {
          mark(row, "moved-up", "▲" + (was.position - position));
        } else if (position > was.position) {
          mark(row, "moved-down", "▼" + (position - was.position));
        } else if (was.value !== row.dataset.value) {
          mark(row, "changed");
        }
      });
    });
  });
})();
