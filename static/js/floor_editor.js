/* The floor editor (admin floor page): place seats and zones on the plan, by mouse, touch or
 * keyboard, then "Save layout" posts every change as JSON to the floor's layout endpoint,
 * which applies them through the seat services (seats.services.floor_layout_save). Nothing is
 * saved until then; a rule broken by one item is shown next to it and nothing is written. */
(function () {
  "use strict";

  var script = document.currentScript;
  var msg = (script && script.dataset) || {};
  var dataNode = document.getElementById("fe-data");
  var svg = document.getElementById("fe-canvas");
  if (!dataNode || !svg) return;
  var SVGNS = "http://www.w3.org/2000/svg";
  var state = JSON.parse(dataNode.textContent);
  var selected = null; // {type: "seat"|"zone", item}
  var drawing = false;
  var nextKey = 1;
  var statusLine = document.getElementById("fe-status");

  function byId(id) { return document.getElementById(id); }
  function keyOf(item) { if (!item._key) item._key = "k" + nextKey++; return item._key; }
  function glyph(seat) { return state.glyphs[seat.kind] || state.glyphs[""]; }
  function clamp(value, low, high) { return Math.max(low, Math.min(high, Math.round(value))); }

  function say(text, isError) {
    statusLine.textContent = text || "";
    statusLine.classList.toggle("error", !!isError);
  }

  function changed() { say(msg.msgUnsaved); }

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVGNS, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(node);
    return node;
  }

  // --- drawing ------------------------------------------------------------------------------

  function render() {
    var focusedKey = document.activeElement && document.activeElement.getAttribute("data-key");
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var floor = state.floor;
    if (floor.plan) {
      el("image", { href: floor.plan, x: 0, y: 0, width: floor.width, height: floor.height,
        preserveAspectRatio: "xMidYMid meet" }, svg);
    }
    state.zones.forEach(function (zone) {
      if (zone.delete) return;
      var g = el("g", { "class": "fe-zone", tabindex: 0, role: "button", "data-key": keyOf(zone),
        "aria-label": zone.name + " (" + zone.x + ", " + zone.y + ", " + zone.width + "×" + zone.height + ")" }, svg);
      if (selected && selected.item === zone) g.classList.add("selected");
      if (zone._error) g.classList.add("error");
      el("rect", { x: zone.x, y: zone.y, width: zone.width, height: zone.height, rx: 6 }, g);
      el("text", { x: zone.x + 8, y: zone.y + 20 }, g).textContent = zone.name;
      bind(g, "zone", zone);
    });
    state.seats.forEach(function (seat) {
      if (seat.delete) return;
      var size = glyph(seat);
      var g = el("g", { "data-key": keyOf(seat), tabindex: 0, role: "button",
        "class": "fe-seat " + seat.kind + (seat.is_active ? "" : " inactive"),
        "data-label": seat.label,
        "aria-label": seat.label + " (" + seat.x + ", " + seat.y + ")" }, svg);
      if (selected && selected.item === seat) g.classList.add("selected");
      if (seat._error) g.classList.add("error");
      el("rect", { x: seat.x - size[0] / 2, y: seat.y - size[1] / 2, width: size[0], height: size[1], rx: 8 }, g);
      el("text", { x: seat.x, y: seat.y + 5, "text-anchor": "middle" }, g).textContent = seat.label;
      bind(g, "seat", seat);
    });
    if (focusedKey) {
      var again = svg.querySelector('[data-key="' + focusedKey + '"]');
      if (again) again.focus();
    }
  }

  function toMap(event) {
    var point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    return point.matrixTransform(svg.getScreenCTM().inverse());
  }

  function moveTo(type, item, x, y) {
    var floor = state.floor;
    if (type === "seat") {
      item.x = clamp(x, 0, floor.width);
      item.y = clamp(y, 0, floor.height);
    } else {
      item.x = clamp(x, 0, Math.max(0, floor.width - item.width));
      item.y = clamp(y, 0, Math.max(0, floor.height - item.height));
    }
  }

  // --- pointer and keyboard -----------------------------------------------------------------

  function bind(node, type, item) {
    node.addEventListener("pointerdown", function (event) {
      if (drawing) return;
      event.preventDefault();
      event.stopPropagation();
      select(type, item, false, node); // keep this node: re-rendering would drop the capture
      var start = toMap(event);
      var origin = { x: item.x, y: item.y };
      var moved = false;
      node.setPointerCapture(event.pointerId);
      function onMove(e) {
        var now = toMap(e);
        moved = true;
        moveTo(type, item, origin.x + now.x - start.x, origin.y + now.y - start.y);
        // Move the existing nodes (no re-render mid-drag: it would drop the pointer capture).
        var rect = node.querySelector("rect"), text = node.querySelector("text");
        if (type === "seat") {
          var size = glyph(item);
          rect.setAttribute("x", item.x - size[0] / 2); rect.setAttribute("y", item.y - size[1] / 2);
          text.setAttribute("x", item.x); text.setAttribute("y", item.y + 5);
        } else {
          rect.setAttribute("x", item.x); rect.setAttribute("y", item.y);
          text.setAttribute("x", item.x + 8); text.setAttribute("y", item.y + 20);
        }
      }
      function onUp() {
        node.removeEventListener("pointermove", onMove);
        node.removeEventListener("pointerup", onUp);
        node.removeEventListener("pointercancel", onUp);
        if (moved) changed();
        select(type, item, false);
        node.focus();
      }
      node.addEventListener("pointermove", onMove);
      node.addEventListener("pointerup", onUp);
      node.addEventListener("pointercancel", onUp);
    });
    node.addEventListener("keydown", function (event) {
      var step = event.shiftKey ? 1 : 10;
      var dx = { ArrowLeft: -step, ArrowRight: step }[event.key] || 0;
      var dy = { ArrowUp: -step, ArrowDown: step }[event.key] || 0;
      if (dx || dy) {
        event.preventDefault();
        if (event.altKey && type === "zone") {
          item.width = clamp(item.width + dx, 1, state.floor.width - item.x);
          item.height = clamp(item.height + dy, 1, state.floor.height - item.y);
        } else {
          moveTo(type, item, item.x + dx, item.y + dy);
        }
        changed();
        select(type, item, false);
      } else if (event.key === "Delete" || event.key === "Backspace") {
        event.preventDefault();
        remove(type, item);
      } else if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        select(type, item, true);
      }
    });
    node.addEventListener("focus", function () {
      if (!selected || selected.item !== item) select(type, item, false);
    });
  }

  svg.addEventListener("pointerdown", function (event) {
    if (!drawing) return;
    event.preventDefault();
    var start = toMap(event);
    var zone = { name: msg.msgNewZone, x: clamp(start.x, 0, state.floor.width), y: clamp(start.y, 0, state.floor.height), width: 1, height: 1 };
    state.zones.push(zone);
    svg.setPointerCapture(event.pointerId);
    function onMove(e) {
      var now = toMap(e);
      zone.x = clamp(Math.min(start.x, now.x), 0, state.floor.width);
      zone.y = clamp(Math.min(start.y, now.y), 0, state.floor.height);
      zone.width = clamp(Math.abs(now.x - start.x), 1, state.floor.width - zone.x);
      zone.height = clamp(Math.abs(now.y - start.y), 1, state.floor.height - zone.y);
      render();
    }
    function onUp() {
      svg.removeEventListener("pointermove", onMove);
      svg.removeEventListener("pointerup", onUp);
      stopDrawing();
      if (zone.width < 10 || zone.height < 10) { zone.width = Math.max(zone.width, 200); zone.height = Math.max(zone.height, 120); }
      changed();
      select("zone", zone, true);
    }
    svg.addEventListener("pointermove", onMove);
    svg.addEventListener("pointerup", onUp);
  });

  // --- the details panel ----------------------------------------------------------------------

  var seatPanel = byId("fe-seat-panel"), zonePanel = byId("fe-zone-panel"), empty = byId("fe-empty");
  var kindSelect = byId("fe-seat-kind"), amenityBox = byId("fe-seat-amenities");
  state.kinds.forEach(function (pair) {
    var option = document.createElement("option");
    option.value = pair[0];
    option.textContent = pair[1];
    kindSelect.appendChild(option);
  });
  state.amenities.forEach(function (pair) {
    var label = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.value = pair[0];
    box.name = "fe-amenity";
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + pair[1]));
    amenityBox.appendChild(label);
  });

  function select(type, item, focusPanel, keepNode) {
    selected = { type: type, item: item };
    if (keepNode) {
      svg.querySelectorAll(".selected").forEach(function (n) { n.classList.remove("selected"); });
      keepNode.classList.add("selected");
    } else {
      render();
    }
    empty.hidden = true;
    seatPanel.hidden = type !== "seat";
    zonePanel.hidden = type !== "zone";
    if (type === "seat") {
      byId("fe-seat-label").value = item.label;
      kindSelect.value = item.kind;
      amenityBox.querySelectorAll("input").forEach(function (box) {
        box.checked = item.amenities.indexOf(box.value) !== -1;
      });
      byId("fe-seat-x").value = item.x;
      byId("fe-seat-y").value = item.y;
      byId("fe-seat-active").checked = item.is_active;
      if (focusPanel) byId("fe-seat-label").focus();
    } else {
      ["name", "x", "y", "width", "height"].forEach(function (f) { byId("fe-zone-" + f).value = item[f]; });
      if (focusPanel) byId("fe-zone-name").focus();
    }
  }

  function fromPanel() {
    if (!selected) return;
    var item = selected.item;
    if (selected.type === "seat") {
      item.label = byId("fe-seat-label").value.trim();
      item.kind = kindSelect.value;
      item.amenities = Array.prototype.filter.call(amenityBox.querySelectorAll("input"), function (b) { return b.checked; })
        .map(function (b) { return b.value; });
      moveTo("seat", item, Number(byId("fe-seat-x").value) || 0, Number(byId("fe-seat-y").value) || 0);
      item.is_active = byId("fe-seat-active").checked;
    } else {
      item.name = byId("fe-zone-name").value.trim();
      item.width = clamp(Number(byId("fe-zone-width").value) || 1, 1, state.floor.width);
      item.height = clamp(Number(byId("fe-zone-height").value) || 1, 1, state.floor.height);
      moveTo("zone", item, Number(byId("fe-zone-x").value) || 0, Number(byId("fe-zone-y").value) || 0);
    }
    changed();
    render();
  }

  [seatPanel, zonePanel].forEach(function (panel) {
    panel.addEventListener("change", fromPanel);
    panel.addEventListener("input", function (event) {
      if (event.target.type === "text") fromPanel();
    });
    // Enter in a panel field must not submit the admin's own form.
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target.tagName === "INPUT") {
        event.preventDefault();
        fromPanel();
      }
    });
  });

  function remove(type, item) {
    if (item.id) item.delete = true;
    else {
      var list = type === "seat" ? state.seats : state.zones;
      list.splice(list.indexOf(item), 1);
    }
    selected = null;
    seatPanel.hidden = zonePanel.hidden = true;
    empty.hidden = false;
    say((type === "seat" ? item.label : item.name) + ": " + msg.msgRemoved);
    render();
    svg.focus();
  }

  byId("fe-seat-delete").addEventListener("click", function () { if (selected) remove("seat", selected.item); });
  byId("fe-zone-delete").addEventListener("click", function () { if (selected) remove("zone", selected.item); });

  function freeLabel() {
    var used = {};
    state.seats.forEach(function (s) { if (!s.delete) used[s.label] = true; });
    for (var n = state.seats.length + 1; ; n++) if (!used["S" + n]) return "S" + n;
  }

  byId("fe-add-seat").addEventListener("click", function () {
    var seat = { label: freeLabel(), kind: state.kinds[0][0], amenities: [], is_active: true,
      x: Math.round(state.floor.width / 2), y: Math.round(state.floor.height / 2) };
    state.seats.push(seat);
    changed();
    select("seat", seat, true);
  });

  var zoneButton = byId("fe-add-zone");
  function stopDrawing() {
    drawing = false;
    svg.classList.remove("drawing");
    zoneButton.setAttribute("aria-pressed", "false");
  }
  zoneButton.addEventListener("click", function (event) {
    if (event.detail === 0) {
      // From the keyboard: no rectangle to drag, so add one in the middle to edit in the panel.
      var zone = { name: msg.msgNewZone, width: 200, height: 120,
        x: Math.max(0, Math.round(state.floor.width / 2 - 100)), y: Math.max(0, Math.round(state.floor.height / 2 - 60)) };
      state.zones.push(zone);
      changed();
      select("zone", zone, true);
      return;
    }
    drawing = !drawing;
    svg.classList.toggle("drawing", drawing);
    zoneButton.setAttribute("aria-pressed", String(drawing));
    if (drawing) say(msg.msgDraw);
  });

  // --- saving -------------------------------------------------------------------------------

  function csrfToken() {
    var input = document.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function payload() {
    function pick(item, fields) {
      if (item.delete) return { id: item.id, "delete": true };
      var out = item.id ? { id: item.id } : {};
      fields.forEach(function (f) { out[f] = item[f]; });
      return out;
    }
    return {
      seats: state.seats.map(function (s) { return pick(s, ["label", "kind", "amenities", "x", "y", "is_active"]); }),
      zones: state.zones.map(function (z) { return pick(z, ["name", "x", "y", "width", "height"]); })
    };
  }

  function markErrors(errors) {
    // Keys are "seats.<index>.<field>" in the order the payload was sent.
    Object.keys(errors || {}).forEach(function (key) {
      var parts = key.split(".");
      var list = parts[0] === "seats" ? state.seats : state.zones;
      var item = list[Number(parts[1])];
      if (item) item._error = true;
    });
  }

  byId("fe-save").addEventListener("click", function () {
    var sent = payload();
    state.seats.concat(state.zones).forEach(function (item) { delete item._error; });
    say(msg.msgSaving);
    fetch(script.dataset.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(sent)
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (result.ok) {
        state = result.body;
        selected = null;
        seatPanel.hidden = zonePanel.hidden = true;
        empty.hidden = false;
        render();
        say(msg.msgSaved);
      } else {
        markErrors(result.body.errors);
        render();
        var details = Object.keys(result.body.errors || {}).map(function (k) { return result.body.errors[k].join(" "); });
        say(msg.msgFailed + " " + (details.length ? details.join(" ") : result.body.detail), true);
      }
    }).catch(function () { say(msg.msgFailed, true); });
  });

  render();
})();
