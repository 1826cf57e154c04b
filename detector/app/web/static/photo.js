// Photos: dropped, picked or taken; shown with a box and a label for every digit.

import { $, answer, percent, setStatus, settings } from "./common.js";

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
  if (file.size > settings.maxUpload) {   // refused here: the server would stop reading it anyway
    setStatus(result, `${name}: the picture is over the ${settings.maxUpload / 1048576} MB limit; send a smaller or downscaled one`, true);
    return;
  }
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
  const unsure = reading.digits.filter((d) => d.confidence < settings.threshold);
  result.innerHTML = "Number <strong></strong> <span></span>";
  result.querySelector("strong").textContent = reading.number;
  result.querySelector("span").textContent = `· confidence ${percent(reading.confidence)}` +
    (unsure.length ? ` · ${unsure.length} unsure digit${unsure.length > 1 ? "s" : ""} (below ${percent(settings.threshold, 0)})` : "");
  const list = $("digit-list");
  reading.digits.forEach((d, i) => {
    const li = document.createElement("li");
    const sure = d.confidence >= settings.threshold;
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
  const font = Math.max(13, Math.min(22, Math.round(width / 28)));
  ctx.font = `700 ${font}px system-ui, sans-serif`;
  ctx.textBaseline = "middle";
  const digits = photo.reading.digits.map((d) => ({
    d, sure: d.confidence >= settings.threshold, box: d.box.map((v) => v * scale),
  }));
  // Each digit with its confidence; only the digits when those labels would cover one another.
  const texts = [(g) => `${g.d.digit}${g.sure ? "" : "?"} ${percent(g.d.confidence, 0)}`,
    (g) => `${g.d.digit}${g.sure ? "" : "?"}`];
  let labels = null;
  for (const text of texts) {
    labels = placeLabels(ctx, digits.map(text), digits.map((g) => g.box), font + 6, width, height);
    if (labels.every((l) => l.free)) break;
  }
  digits.forEach((g, i) => {
    const [x, y, w, h] = g.box;
    const colour = g.sure ? "#1f8a3b" : "#c25e00";
    ctx.lineWidth = Math.max(2, font / 7);
    ctx.strokeStyle = colour;
    ctx.setLineDash(g.sure ? [] : [6, 4]);
    ctx.strokeRect(x, y, w, h);
    ctx.setLineDash([]);
    const label = labels[i];
    ctx.fillStyle = colour;
    ctx.fillRect(label.x, label.y, label.w, label.h);
    ctx.fillStyle = "#fff";
    ctx.fillText(label.text, label.x + 4, label.y + label.h / 2 + 1);
  });
}

/** A spot for each label: above its box, else below it; `free` is false where it covers an earlier one. */
function placeLabels(ctx, texts, boxes, h, width, height) {
  const placed = [];
  const clear = (r) => placed.every((o) => r.x >= o.x + o.w || o.x >= r.x + r.w || r.y >= o.y + o.h || o.y >= r.y + r.h);
  texts.forEach((text, i) => {
    const [bx, by, , bh] = boxes[i];
    const w = ctx.measureText(text).width + 8;
    const x = Math.max(0, Math.min(bx, width - w));
    const spots = [by - h, by + bh].map((y) => ({ x, y, w, h, text })).filter((r) => r.y >= 0 && r.y + r.h <= height);
    const spot = spots.find(clear);
    placed.push(spot ? { ...spot, free: true } : { ...(spots[0] || { x, y: by, w, h, text }), free: false });
  });
  return placed;
}

export function setUpPhotos() {
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
