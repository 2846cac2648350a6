// Kiosk wall display: poll the state endpoint every few seconds and repaint the seats, the
// counts, the clock and the "scan to book" code without reloading. The page is complete without
// this script (it then reloads itself through <noscript><meta refresh>).
(function () {
  "use strict";
  var body = document.body;
  var stateUrl = body.dataset.stateUrl;
  var qrTemplate = body.dataset.qrUrl; // ends in /0.svg: the seat id goes there
  var pollMs = Math.max(1, parseInt(body.dataset.pollSeconds, 10) || 5) * 1000;
  var rotateMs = 10000;
  var freeSeats = [];
  var featuredIndex = 0;
  var pinnedSeat = null; // a tablet user tapped a seat: show its code for a while
  var lastOk = Date.now();

  function qrUrl(seatId) {
    return qrTemplate.replace(/\/0\.svg$/, "/" + seatId + ".svg");
  }

  function text(id, value) {
    var node = document.getElementById(id);
    if (node && node.textContent !== String(value)) node.textContent = value;
  }

  function showFeatured() {
    var scan = document.getElementById("kiosk-scan");
    var none = document.getElementById("kiosk-none");
    var seat = pinnedSeat || freeSeats[featuredIndex % Math.max(freeSeats.length, 1)];
    document.querySelectorAll(".kiosk-seat.featured").forEach(function (node) {
      node.classList.remove("featured");
    });
    if (!seat) {
      scan.hidden = true;
      none.hidden = false;
      return;
    }
    scan.hidden = false;
    none.hidden = true;
    var img = document.getElementById("kiosk-qr");
    var src = qrUrl(seat.id);
    if (img.getAttribute("src") !== src) img.setAttribute("src", src);
    text("kiosk-scan-label", seat.label);
    text("kiosk-scan-caption", seat.caption);
    var node = document.getElementById("kiosk-seat-" + seat.id);
    if (node) node.classList.add("featured");
  }

  function paint(state) {
    state.seats.forEach(function (seat) {
      var node = document.getElementById("kiosk-seat-" + seat.id);
      if (!node) return; // a seat added meanwhile appears at the next full reload
      node.setAttribute("class", "kiosk-seat " + seat.state);
      node.dataset.state = seat.state;
      node.querySelector(".kiosk-caption").textContent = seat.caption;
      node.querySelector("title").textContent = seat.label + ": " + seat.caption;
    });
    Object.keys(state.counts).forEach(function (key) {
      text("count-" + key, state.counts[key]);
    });
    text("kiosk-clock", state.time_label);
    text("kiosk-updated", state.time_label);
    freeSeats = state.seats.filter(function (seat) {
      return seat.state === "free";
    });
    if (pinnedSeat) {
      pinnedSeat = freeSeats.filter(function (seat) {
        return seat.id === pinnedSeat.id;
      })[0] || null;
    }
    showFeatured();
  }

  function poll() {
    fetch(stateUrl, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (response.status === 404) {
          // Revoked: show the browser's own answer instead of a stale map.
          window.location.reload();
          return null;
        }
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (state) {
        if (!state) return;
        lastOk = Date.now();
        document.getElementById("kiosk-updated").parentNode.classList.remove("stale");
        paint(state);
      })
      .catch(function () {
        // Keep the last picture, but say it is getting old.
        if (Date.now() - lastOk > pollMs * 3) {
          document.getElementById("kiosk-updated").parentNode.classList.add("stale");
        }
      })
      .then(function () {
        window.setTimeout(poll, pollMs);
      });
  }

  document.querySelectorAll(".kiosk-seat").forEach(function (node) {
    node.addEventListener("click", function () {
      var id = parseInt(node.dataset.seatId, 10);
      pinnedSeat = freeSeats.filter(function (seat) {
        return seat.id === id;
      })[0] || null;
      showFeatured();
      window.setTimeout(function () {
        pinnedSeat = null;
        showFeatured();
      }, 30000);
    });
  });

  var fullscreen = document.getElementById("kiosk-fullscreen");
  if (document.documentElement.requestFullscreen) {
    fullscreen.hidden = false;
    fullscreen.addEventListener("click", function () {
      document.documentElement.requestFullscreen().catch(function () {});
    });
    document.addEventListener("fullscreenchange", function () {
      fullscreen.hidden = !!document.fullscreenElement;
    });
  }

  window.setInterval(function () {
    featuredIndex += 1;
    if (!pinnedSeat) showFeatured();
  }, rotateMs);
  poll();
})();
