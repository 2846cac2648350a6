// Floor map enhancements. The page works without this file: every chip and seat is a link
// (a free seat opens a confirmation panel, a taken one says until when) and the list has a
// submit button per seat. With it:
// - a day, start, duration or floor chip redraws #map-area in place (one fetch, no reload);
// - a free seat opens a <dialog> that posts the same form (seat, Book: two taps);
// - a taken seat says until when in the live region under the map.
// Listeners are delegated from the document, so they keep working after a redraw.
(function () {
  "use strict";

  var area = document.getElementById("map-area");

  function info() {
    return document.getElementById("seat-info");
  }

  document.addEventListener("focusin", function (event) {
    var seat = event.target.closest && event.target.closest(".floor-map .seat");
    var box = info();
    if (seat && box) {
      box.textContent = seat.getAttribute("aria-label");
    }
  });

  function redraw(url, push) {
    area.setAttribute("aria-busy", "true");
    return fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var next = fresh.getElementById("map-area");
        if (!next) {
          throw new Error("no map");
        }
        area.innerHTML = next.innerHTML;
        area.removeAttribute("aria-busy");
        if (push) {
          history.pushState({ map: true }, "", url);
        }
        var chosen = document.getElementById("chosen-window");
        if (chosen) {
          chosen.focus({ preventScroll: true });
        }
      })
      .catch(function () {
        window.location.href = url; // the plain page always works
      });
  }

  if (area && window.fetch && window.DOMParser && window.history.pushState) {
    document.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-swap]");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey) {
        return;
      }
      event.preventDefault();
      redraw(link.href, true);
    });
    window.addEventListener("popstate", function () {
      redraw(window.location.href, false);
    });
  }

  document.addEventListener("click", function (event) {
    var taken = event.target.closest("[data-seat-info]");
    if (!taken) {
      return;
    }
    event.preventDefault();
    var box = info();
    if (box) {
      box.textContent = taken.getAttribute("data-seat-info");
    }
  });

  var opener = null;

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-seat-id]");
    var dialog = document.getElementById("book-dialog");
    if (!target || !dialog || typeof dialog.showModal !== "function" || dialog.contains(target)) {
      return;
    }
    event.preventDefault();
    opener = target;
    dialog.querySelector("input[name=seat]").value = target.getAttribute("data-seat-id");
    dialog.querySelector("[data-field=seat]").textContent = target.getAttribute("data-seat-label");
    var fav = dialog.querySelector("[data-fav-form]");
    if (fav) {
      // The dialog's star posts for the seat that opened it (a plain form, back to this page).
      var starred = target.getAttribute("data-favourite") === "1";
      var star = fav.querySelector("button");
      fav.querySelector("input[name=seat]").value = target.getAttribute("data-seat-id");
      fav.querySelector("input[name=on]").value = starred ? "0" : "1";
      fav.querySelector("input[name=next]").value = window.location.pathname + window.location.search;
      star.textContent = star.getAttribute(starred ? "data-remove" : "data-add");
      star.setAttribute("aria-pressed", starred ? "true" : "false");
    }
    dialog.showModal();
    dialog.querySelector("button[type=submit]").focus();
  });

  document.addEventListener("click", function (event) {
    var star = event.target.closest("#book-dialog [data-fav-submit]");
    if (star) {
      star.disabled = true;
      star.form.submit(); // a plain POST to /favourites/, which redirects back here
    }
  });

  document.addEventListener("click", function (event) {
    var close = event.target.closest("#book-dialog [data-close]");
    if (close) {
      document.getElementById("book-dialog").close();
      if (opener && typeof opener.focus === "function") {
        opener.focus(); // back to the seat that opened the dialog, for keyboard users
      }
    }
  });

  document.addEventListener("submit", function (event) {
    if (event.target.closest("#book-dialog")) {
      // One booking per click: a double click must not post twice.
      event.target.querySelector("button[type=submit]").disabled = true;
    }
  });
})();
