// The drawing pad and its ten probability bars, updated live while drawing.

import { $, answer, percent, setStatus, settings } from "./common.js";

const BRUSH = 22;            // px on the 280 px pad: MNIST strokes are about a tenth of the digit box
const THROTTLE_MS = 250;     // live predictions while drawing: at most four a second

const bars = [];

export function buildBars() {
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
    li.style.setProperty("--p", probs[d].toFixed(4));   // the bar's length (CSS: across, or up on a phone)
    li.querySelector(".pct").textContent = digit ? percent(probs[d]) : "";
  });
  const guess = $("guess");
  if (!reading) {
    guess.textContent = "Draw a digit: the ten probabilities appear here as you draw.";
  } else if (!digit) {
    guess.textContent = "No digit found yet: draw it larger, with one connected stroke or a few.";
  } else {
    const unsure = reading.digits.some((d) => d.confidence < settings.threshold) ? " (unsure)" : "";
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

export function setUpPad() {
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
