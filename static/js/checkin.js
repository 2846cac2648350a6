/* Staff QR check-in: progressive enhancement of a plain form.
 * Without JS the page works with a USB scanner (it types the code and presses Enter) or paste.
 * With a camera, a "Scan with camera" button reads the code and submits the same form. Frames
 * are decoded by the browser's BarcodeDetector where it has one (Chrome on Android, macOS,
 * ChromeOS) and otherwise by jsQR (static/vendor/jsqr, vendored from npm), so Safari on the
 * front-desk iPad, Firefox and desktop Linux scan too. */
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

  // One decoder interface: decode(video) -> Promise of the code's text, or null.
  function nativeDecoder() {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    return function (source) {
      return detector.detect(source).then(function (codes) {
        var code = codes.find(function (c) { return c.rawValue; });
        return code ? code.rawValue : null;
      });
    };
  }

  function jsqrDecoder() {
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    return function (source) {
      var width = source.videoWidth, height = source.videoHeight;
      if (!width || !height) return Promise.resolve(null);
      // Decode at most 800 px wide: enough for a code held up to the camera, and fast.
      var scale = Math.min(1, 800 / width);
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      context.drawImage(source, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "attemptBoth" });
      return Promise.resolve(code && code.data ? code.data : null);
    };
  }

  function scan(decode) {
    if (!stream) return;
    decode(video).then(function (text) {
      if (text) {
        stop();
        submitCode(text);
      } else {
        timer = setTimeout(function () { scan(decode); }, 200);
      }
    }).catch(function () {
      timer = setTimeout(function () { scan(decode); }, 400);
    });
  }

  var decoder = null;

  function start() {
    say(messages.msgStarting);
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
        scan(decoder());
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

  function enable(makeDecoder, name) {
    decoder = makeDecoder;
    box.hidden = false;
    box.dataset.decoder = name;
    startButton.addEventListener("click", start);
    stopButton.addEventListener("click", stop);
    window.addEventListener("pagehide", stop);
  }

  var hasCamera = navigator.mediaDevices && typeof navigator.mediaDevices.getUserMedia === "function";
  if (!hasCamera) return;
  var hasJsqr = typeof window.jsQR === "function";
  if ("BarcodeDetector" in window) {
    window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("qr_code") !== -1) enable(nativeDecoder, "native");
      else if (hasJsqr) enable(jsqrDecoder, "jsqr");
    }).catch(function () { if (hasJsqr) enable(jsqrDecoder, "jsqr"); });
  } else if (hasJsqr) {
    enable(jsqrDecoder, "jsqr");
  }
})();
