/* Staff QR check-in: progressive enhancement of a plain form.
 * Without JS the page works with a USB scanner (it types the code and presses Enter) or paste.
 * With a browser that has BarcodeDetector (Chrome/Edge on Android, macOS, ChromeOS), a
 * "Scan with camera" button reads the code from the phone camera and submits the same form. */
(function () {
  "use strict";

  var script = document.currentScript;
  var form = document.getElementById("checkin-form");
  var box = document.getElementById("checkin-camera");
  if (!form || !box) return;
  var input = form.querySelector("[name=token]");
  var startButton = document.getElementById("checkin-camera-start");
  var stopButton = document.getElementById("checkin-camera-stop");
  var statusLine = document.getElementById("checkin-camera-status");
  var video = document.getElementById("checkin-video");
  var messages = (script && script.dataset) || {};
  var stream = null;
  var timer = null;

  function say(text) {
    statusLine.textContent = text || "";
  }

  function stop() {
    if (timer) clearTimeout(timer);
    timer = null;
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.hidden = true;
    stopButton.hidden = true;
    startButton.hidden = false;
  }

  function submitCode(value) {
    input.value = value;
    say(messages.msgFound);
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  }

  function scan(detector) {
    if (!stream) return;
    detector.detect(video).then(function (codes) {
      var code = codes.find(function (c) { return c.rawValue; });
      if (code) {
        stop();
        submitCode(code.rawValue);
      } else {
        timer = setTimeout(function () { scan(detector); }, 200);
      }
    }).catch(function () {
      timer = setTimeout(function () { scan(detector); }, 400);
    });
  }

  function start() {
    say(messages.msgStarting);
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        startButton.hidden = true;
        stopButton.hidden = false;
        return video.play();
      })
      .then(function () {
        say(messages.msgScanning);
        scan(detector);
      })
      .catch(function () {
        stop();
        say(messages.msgDenied);
        input.focus();
      });
  }

  // A scanner types into whatever has focus: keep the field focused after clicks elsewhere.
  document.addEventListener("keydown", function (event) {
    if (document.activeElement === document.body && event.key.length === 1) input.focus();
  });

  var supported =
    "BarcodeDetector" in window &&
    navigator.mediaDevices &&
    typeof navigator.mediaDevices.getUserMedia === "function";
  if (!supported) return;
  window.BarcodeDetector.getSupportedFormats().then(function (formats) {
    if (formats.indexOf("qr_code") === -1) return;
    box.hidden = false;
    startButton.addEventListener("click", start);
    stopButton.addEventListener("click", stop);
    window.addEventListener("pagehide", stop);
  }).catch(function () { /* no camera support: the form still works */ });
})();
