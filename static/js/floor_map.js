// Floor map enhancements. The page works without this file: a free seat is a link to a
// confirmation panel and the list has a submit button per seat. With it, both open a <dialog>
// that posts the same form, and focusing a seat shows its description under the map.
(function () {
  "use strict";

  var info = document.getElementById("seat-info");
  if (info) {
    var hint = info.textContent;
    document.querySelectorAll(".floor-map .seat").forEach(function (seat) {
      seat.addEventListener("focus", function () {
        info.textContent = seat.getAttribute("aria-label");
      });
      seat.addEventListener("blur", function () {
        info.textContent = hint;
      });
    });
  }

  var dialog = document.getElementById("book-dialog");
  if (!dialog || typeof dialog.showModal !== "function") {
    return;
  }
  var form = dialog.querySelector("form");
  var seatInput = form.querySelector("input[name=seat]");
  var seatText = dialog.querySelector("[data-field=seat]");
  var submit = form.querySelector("button[type=submit]");
  var opener = null;

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-seat-id]");
    if (!target || dialog.contains(target)) {
      return;
    }
    event.preventDefault();
    opener = target;
    seatInput.value = target.getAttribute("data-seat-id");
    seatText.textContent = target.getAttribute("data-seat-label");
    dialog.showModal();
    submit.focus();
  });

  dialog.querySelector("[data-close]").addEventListener("click", function () {
    dialog.close();
  });

  dialog.addEventListener("close", function () {
    // Return focus to the seat that opened the dialog, for keyboard users.
    if (opener && typeof opener.focus === "function") {
      opener.focus();
    }
  });

  form.addEventListener("submit", function () {
    // One booking per click: a double click must not post twice.
    submit.disabled = true;
  });
})();
