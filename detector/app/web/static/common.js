// Shared by the page's modules: formatting, the server's answers, status lines.

// Below `threshold` a digit is unsure; uploads over `maxUpload` bytes are refused. /api/health gives the server's own.
export const settings = { threshold: 0.9, maxUpload: 20 * 1024 * 1024 };

export const $ = (id) => document.getElementById(id);

/** A probability as a percentage that never claims certainty it lacks (as the CLI prints it). */
export function percent(p, decimals = 1) {
  const text = (p * 100).toFixed(decimals);
  if (p < 1 && parseFloat(text) >= 100) return ">" + (100 - 10 ** -decimals).toFixed(decimals) + "%";
  return text + "%";
}

/** The JSON answer of a fetch, or an Error carrying the server's one-line message. */
export async function answer(response) {
  let data = null;
  try {
    data = await response.json();
  } catch (_err) {
    throw new Error(`the server answered ${response.status} without JSON; is it the Number Detector?`);
  }
  if (!response.ok) throw new Error(data && data.error ? data.error : `the server answered ${response.status}`);
  return data;
}

export function setStatus(element, text, isError = false) {
  element.textContent = text;
  element.classList.toggle("error", isError);
}
