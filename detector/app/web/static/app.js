// Number Detector's page: a drawing pad with live probabilities, and photos read with a box per digit.
// Plain JavaScript, no libraries: every request goes to this page's own server.
"use strict";

const BRUSH = 22;            // px on the 280 px pad: MNIST strokes are about a tenth of the digit box
const THROTTLE_MS = 250;     // live predictions while drawing: at most four a second
let threshold = 0.9;         // below this a digit is unsure; /api/health says the server's own

const $ = (id) => document.getElementById(id);

/** A probability as a percentage that never claims certainty it lacks (as the CLI prints it). */
function percent(p, decimals = 1) {
  const text = (p * 100).toFixed(decimals);
  if (p < 1 && parseFloat(text) >= 100) return ">" + (100 - 10 ** -decimals).toFixed(decimals) + "%";
  return text + "%";
}

/** The JSON answer of a fetch, or an Error carrying the server's one-line message. */
async function answer(response) {
  let data = null;
  try {
    data = await response.json();
  } catch (_err) {
    throw new Error(`the server answered ${response.status} without JSON; is it the Number Detector?`);
  }
  if (!response.ok) throw new Error(data && data.error ? data.error : `the server answered ${response.status}`);
  return data;
}

function setStatus(element, text, isError = false) {
  element.textContent = text;
  element.classList.toggle("error", isError);
}

// ---- probability bars -------------------------------------------------------------------------

const bars = [];

function buildBars() {
  const list = $("bars");
  for (let d = 0; d < 10; d++) {
    const li = document.createElement("li");
    li.dataset.digit = String(d);
    li.dataset.p = "0";
    li.innerHTML = `<span class="digit">${d}</span><span class="track"><span class="fill"></span></span>` +
      `<span class="pct"></span>`;
    list.appendChild(li);
    bars.push(li);
  }
}

/** The digit whose bars to show: the largest one drawn (a stray dot must not steal the bars). */
function mainDigit(reading) {
  if (!reading || !reading.digits.length) return null;
  return reading.digits.reduce((a, b) => (b.box[2] * b.box[3] > a.box[2] * a.box[3] ? b : a));
}

function showBars(reading) {
  const digit = mainDigit(reading);
  const probs = digit ? digit.probabilities : new Array(10).fill(0);
  const top = digit ? digit.digit : -1;
  bars.forEach((li, d) => {
    li.dataset.p = String(probs[d]);
    li.classList.toggle("top", d === top);
    li.querySelector(".fill").style.width = `${(probs[d] * 100).toFixed(1)}%`;
    li.querySelector(".pct").textContent = digit ? percent(probs[d]) : "";
  });
  const guess = $("guess");
  if (!reading) {
    guess.textContent = "Draw a digit: the ten probabilities appear here as you draw.";
  } else if (!digit) {
    guess.textContent = "No digit found yet: draw it larger, with one connected stroke or a few.";
  } else {
    const unsure = reading.digits.some((d) => d.confidence < threshold) ? " (unsure)" : "";
    const several = reading.digits.length > 1 ? ` · read as the number ${reading.number}` : "";
    guess.innerHTML = `Looks like <strong></strong> at ${percent(digit.confidence)}${unsure}${several}`;
    guess.querySelector("strong").textContent = String(digit.digit);
  }
  if (digit && !performance.getEntriesByName("first-bars").length) performance.mark("first-bars");
}

// ---- drawing pad ------------------------------------------------------------------------------

const pad = { canvas: null, ctx: null, last: null, pointer: null, drawn: false, dark: false };
const live = { inflight: false, pending: false, lastSent: -Infinity, timer: null, generation: 0 };

function clearPad() {
  pad.ctx.fillStyle = pad.dark ? "#fff" : "#000";
  pad.ctx.fillRect(0, 0, pad.canvas.width, pad.canvas.height);
  pad.drawn = false;
  live.generation++;            // answers still on their way belong to the old drawing
  showBars(null);
}

function padPoint(event) {
  const rect = pad.canvas.getBoundingClientRect();
  return {
    x: ((event.clientX - rect.left) * pad.canvas.width) / rect.width,
    y: ((event.clientY - rect.top) * pad.canvas.height) / rect.height,
  };
}

function strokeTo(point) {
  const ctx = pad.ctx;
  ctx.strokeStyle = pad.dark ? "#000" : "#fff";
  ctx.lineWidth = BRUSH;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.beginPath();
  ctx.moveTo(pad.last.x, pad.last.y);
  ctx.lineTo(point.x, point.y);
  ctx.stroke();
  pad.last = point;
  pad.drawn = true;
}

function onPointerDown(event) {
  if (event.pointerType === "mouse" && event.button !== 0) return;
  event.preventDefault();
  try {
    pad.canvas.setPointerCapture(event.pointerId);   // the stroke goes on when the pen leaves the pad
  } catch (_err) {
    // the pointer is already gone (lifted between events): the stroke still starts
  }
  pad.pointer = event.pointerId;
  pad.last = padPoint(event);
  strokeTo(pad.last);          // a tap leaves a dot
  schedulePredict();
}

function onPointerMove(event) {
  if (event.pointerId !== pad.pointer) return;
  // Every sample since the last frame, not just the last one: fast strokes stay smooth curves.
  const samples = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
  for (const sample of samples.length ? samples : [event]) strokeTo(padPoint(sample));
  schedulePredict();
}

function onPointerUp(event) {
  if (event.pointerId !== pad.pointer) return;
  pad.pointer = null;
  pad.last = null;
  predictNow();                // pen up: always one prediction of the finished stroke
}

/** Ask for a prediction, at most every THROTTLE_MS and never two at once. */
function schedulePredict() {
  if (live.inflight) {
    live.pending = true;
    return;
  }
  const wait = live.lastSent + THROTTLE_MS - performance.now();
  if (wait > 0) {
    if (!live.timer) live.timer = setTimeout(() => { live.timer = null; schedulePredict(); }, wait);
    return;
  }
  sendDrawing();
}

function predictNow() {
  clearTimeout(live.timer);
  live.timer = null;
  if (live.inflight) live.pending = true;
  else sendDrawing();
}

async function padBlob() {
  return new Promise((resolve) => pad.canvas.toBlob(resolve, "image/png"));
}

async function sendDrawing() {
  if (!pad.drawn) return;
  live.inflight = true;
  live.pending = false;
  live.lastSent = performance.now();
  const generation = live.generation;
  try {
    const body = await padBlob();
    const reading = await answer(await fetch("/api/predict", {
      method: "POST", headers: { "Content-Type": "image/png" }, body,
    }));
    if (generation === live.generation) {
      showBars(reading);
      setStatus($("draw-status"), "");
    }
  } catch (err) {
    setStatus($("draw-status"), `Could not read the drawing: ${err.message}`, true);
  } finally {
    live.inflight = false;
    if (live.pending) schedulePredict();
  }
}

async function saveDrawing() {
  const status = $("draw-status");
  if (!pad.drawn) {
    setStatus(status, "Nothing to save yet: draw a digit first.");
    return;
  }
  try {
    const saved = await answer(await fetch("/api/save", {
      method: "POST", headers: { "Content-Type": "image/png" }, body: await padBlob(),
    }));
    setStatus(status, `Saved as ${saved.saved}`);
  } catch (err) {
    setStatus(status, `Not saved: ${err.message}`, true);
  }
}

function toggleInk() {
  const button = $("invert");
  pad.dark = !pad.dark;
  button.setAttribute("aria-pressed", String(pad.dark));
  const image = pad.ctx.getImageData(0, 0, pad.canvas.width, pad.canvas.height);
  for (let i = 0; i < image.data.length; i += 4) {
    for (let c = 0; c < 3; c++) image.data[i + c] = 255 - image.data[i + c];
  }
  pad.ctx.putImageData(image, 0, 0);
  pad.canvas.style.background = pad.dark ? "#fff" : "#000";
  if (pad.drawn) predictNow();
}

function setUpPad() {
  pad.canvas = $("pad");
  pad.ctx = pad.canvas.getContext("2d", { willReadFrequently: true });
  clearPad();
  pad.canvas.addEventListener("pointerdown", onPointerDown);
  pad.canvas.addEventListener("pointermove", onPointerMove);
  pad.canvas.addEventListener("pointerup", onPointerUp);
  pad.canvas.addEventListener("pointercancel", onPointerUp);
  $("clear").addEventListener("click", () => { clearPad(); setStatus($("draw-status"), ""); });
  $("save").addEventListener("click", saveDrawing);
  $("invert").addEventListener("click", toggleInk);
}

// ---- photos -----------------------------------------------------------------------------------

const photo = { reading: null };

function ordinal(n) {
  const s = ["th", "st", "nd", "rd"];
  const v = n % 100;
  return n + (s[(v - 20) % 10] || s[v] || s[0]);
}

async function readPhoto(file) {
  const result = $("photo-result");
  const figure = $("figure");
  const img = $("photo-img");
  const name = file.name || "photo.jpg";
  setStatus(result, `Reading ${name}…`);
  $("digit-list").replaceChildren();
  photo.reading = null;
  if (img.src) URL.revokeObjectURL(img.src);
  img.src = URL.createObjectURL(file);
  const form = new FormData();
  form.append("file", file, name);
  let reading;
  try {
    reading = await answer(await fetch("/api/predict", { method: "POST", body: form }));
  } catch (err) {
    figure.hidden = true;
    setStatus(result, `${name}: ${err.message}`, true);
    return;
  }
  photo.reading = reading;
  showReading(reading, name);
  try {
    await img.decode();
    figure.hidden = false;
    drawBoxes();
  } catch (_err) {
    figure.hidden = true;        // a format the browser cannot show (TIFF): the reading stands
  }
}

function showReading(reading, name) {
  const result = $("photo-result");
  result.classList.remove("error");
  if (!reading.digits.length) {
    result.textContent = `${name}: no digit found. Try a closer, sharper photo with the digits large.`;
    return;
  }
  const unsure = reading.digits.filter((d) => d.confidence < threshold);
  result.innerHTML = "Number <strong></strong> <span></span>";
  result.querySelector("strong").textContent = reading.number;
  result.querySelector("span").textContent = `· confidence ${percent(reading.confidence)}` +
    (unsure.length ? ` · ${unsure.length} unsure digit${unsure.length > 1 ? "s" : ""} (below ${percent(threshold, 0)})` : "");
  const list = $("digit-list");
  reading.digits.forEach((d, i) => {
    const li = document.createElement("li");
    const sure = d.confidence >= threshold;
    li.textContent = `${ordinal(i + 1)} digit: ${d.digit} at ${percent(d.confidence)}${sure ? "" : " (unsure)"}`;
    if (!sure) li.className = "unsure";
    list.appendChild(li);
  });
}

/** Boxes and labels over the shown picture; boxes come in the file's pixels and are scaled to the screen. */
function drawBoxes() {
  const img = $("photo-img");
  const overlay = $("overlay");
  if (!photo.reading || !img.naturalWidth || $("figure").hidden) return;
  const ratio = window.devicePixelRatio || 1;
  const width = img.clientWidth;
  const height = img.clientHeight;
  overlay.style.width = `${width}px`;
  overlay.style.height = `${height}px`;
  overlay.width = Math.round(width * ratio);
  overlay.height = Math.round(height * ratio);
  const ctx = overlay.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const scale = width / img.naturalWidth;
  const font = Math.max(14, Math.min(28, Math.round(width / 22)));
  ctx.font = `700 ${font}px system-ui, sans-serif`;
  ctx.textBaseline = "bottom";
  for (const d of photo.reading.digits) {
    const [x, y, w, h] = d.box.map((v) => v * scale);
    const sure = d.confidence >= threshold;
    const colour = sure ? "#1f8a3b" : "#c25e00";
    ctx.lineWidth = Math.max(2, font / 7);
    ctx.strokeStyle = colour;
    ctx.setLineDash(sure ? [] : [6, 4]);
    ctx.strokeRect(x, y, w, h);
    ctx.setLineDash([]);
    const label = `${d.digit}${sure ? "" : "?"} ${percent(d.confidence, 0)}`;
    const tw = ctx.measureText(label).width + 8;
    const ty = y - font - 6 >= 0 ? y : Math.min(height, y + h + font + 6);   // above the box, or below at the top
    ctx.fillStyle = colour;
    ctx.fillRect(Math.min(x, width - tw), ty - font - 6, tw, font + 6);
    ctx.fillStyle = "#fff";
    ctx.fillText(label, Math.min(x, width - tw) + 4, ty - 2);
  }
}

function setUpPhotos() {
  for (const id of ["pick", "camera"]) {
    $(id).addEventListener("change", (event) => {
      const file = event.target.files && event.target.files[0];
      if (file) readPhoto(file);
      event.target.value = "";   // the same file chosen again reads again
    });
  }
  document.addEventListener("dragover", (event) => {
    event.preventDefault();
    document.body.classList.add("dragging");
  });
  document.addEventListener("dragleave", (event) => {
    if (event.relatedTarget === null) document.body.classList.remove("dragging");
  });
  document.addEventListener("drop", (event) => {
    event.preventDefault();
    document.body.classList.remove("dragging");
    const file = event.dataTransfer && event.dataTransfer.files[0];
    if (file) readPhoto(file);
  });
  new ResizeObserver(drawBoxes).observe($("photo-img"));
}

// ---- start ------------------------------------------------------------------------------------

async function showModel() {
  try {
    const health = await answer(await fetch("/api/health"));
    if (typeof health.threshold === "number") threshold = health.threshold;
    const accuracy = health.accuracy == null ? "" : ` · ${percent(health.accuracy, 2)} right on the ${health.accuracy_on}`;
    $("model").textContent = `Model ${health.model} v${health.version}${accuracy}.`;
  } catch (err) {
    setStatus($("model"), `The server did not answer: ${err.message}`, true);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  buildBars();
  setUpPad();
  setUpPhotos();
  showModel();
});
