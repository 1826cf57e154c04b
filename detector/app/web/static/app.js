// Number Detector's page: a drawing pad with live probabilities, and photos read with a box per digit.
// Plain JavaScript modules, no libraries, no build step: every request goes to this page's own server.

import { $, answer, percent, setStatus, settings } from "./common.js";
import { buildBars, setUpPad } from "./pad.js";
import { setUpPhotos } from "./photo.js";

async function showModel() {
  try {
    const health = await answer(await fetch("/api/health"));
    if (typeof health.threshold === "number") settings.threshold = health.threshold;
    if (typeof health.max_upload_bytes === "number") settings.maxUpload = health.max_upload_bytes;
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
