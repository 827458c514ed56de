// Live boards are swapped in whole every second (htmx, outerHTML). Before a swap, remember each
// competitor's place and value; after it, mark who moved up or down, who is new and whose
// value changed, so a viewer sees what happened rather than a silently different table. A mark
// stays for a few seconds, through the swaps that follow.
(function () {
  "use strict";
  var KEEP_MS = 6000;
  var previous = {};
  var recent = {};  // board id → row key → {className, text, until}

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

  function movement(before, row, board) {
    var was = before[row.dataset.key];
    var position = parseInt(row.dataset.position, 10);
    if (!was) return { className: "entered", text: board.dataset.newLabel };
    if (position < was.position) return { className: "moved-up", text: "▲" + (was.position - position) };
    if (position > was.position) return { className: "moved-down", text: "▼" + (position - was.position) };
    if (was.value !== row.dataset.value) return { className: "changed", text: "" };
    return null;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (target && target.classList && target.classList.contains("board-live") && event.detail.xhr.status === 200) {
      previous[target.id] = places(target);
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    var now = Date.now();
    Object.keys(previous).forEach(function (id) {
      var board = document.getElementById(id);
      var before = previous[id];
      delete previous[id];
      if (!board) return;
      var kept = recent[id] || {};
      board.querySelectorAll("[data-key]").forEach(function (row) {
        var move = movement(before, row, board);
        if (move) {
          move.until = now + KEEP_MS;
          kept[row.dataset.key] = move;
          mark(row, move.className, move.text);
        } else if (kept[row.dataset.key] && kept[row.dataset.key].until > now) {
          var earlier = kept[row.dataset.key];
          if (earlier.text) mark(row, "kept-" + earlier.className, earlier.text);
        }
      });
      recent[id] = kept;
    });
  });
})();
