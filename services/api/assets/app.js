// Progressive enhancement only: every form also works as a plain form post without this file.
"use strict";

const rules = {
  email: (v) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? "" : "Enter a valid email address."),
  password: (v) => (v.length < 8 ? "Use at least 8 characters." : v.length > 128 ? "Use at most 128 characters." : ""),
  username: (v) => (/^[A-Za-z0-9._-]{3,64}$/.test(v) ? "" : "3 to 64 letters, digits, dots, dashes or underscores."),
  code: (v) => (/^\d{6}$/.test(v) ? "" : "Enter the 6 digits from the mail."),
};

function showFieldError(form, name, message) {
  const input = form.elements.namedItem(name);
  const slot = form.querySelector(`[data-error-for="${name}"]`);
  if (slot) slot.textContent = message;
  if (input instanceof HTMLInputElement) {
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    input.closest(".field")?.classList.toggle("invalid", Boolean(message));
  }
}

function showAlert(el, message) {
  if (!el) return;
  el.textContent = message;
  el.hidden = !message;
}

function checkFields(form) {
  let first = null;
  for (const input of form.querySelectorAll("input:not([type=hidden])")) {
    if (input.closest("[hidden]")) continue;
    const value = input.value.trim();
    let message = "";
    if (input.required && !value) message = "Fill this in.";
    else if (value && rules[input.name]) message = rules[input.name](input.name === "password" ? input.value : value);
    showFieldError(form, input.name, message);
    if (message && !first) first = input;
  }
  return first;
}

async function postJson(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
  let json = {};
  try { json = await response.json(); } catch { /* empty body */ }
  return { status: response.status, json };
}

function formValues(form) {
  const values = {};
  for (const [key, value] of new FormData(form)) if (typeof value === "string" && value.trim() !== "") values[key] = key === "password" ? value : value.trim();
  return values;
}

function enhanceSignup(form) {
  const alert = document.getElementById("form-alert");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showAlert(alert, "");
    const invalid = checkFields(form);
    if (invalid) { showAlert(alert, "Please correct the fields marked below."); invalid.focus(); return; }
    const values = formValues(form);
    const { status, json } = await postJson("/account/register", values);
    if (status === 202) { location.assign(`/signup/check-email?email=${encodeURIComponent(values.email)}`); return; }
    for (const error of json.fields ?? []) showFieldError(form, error.field, error.message);
    showAlert(alert, json.message ?? "Something went wrong; try again.");
    (form.querySelector("[aria-invalid=true]") ?? alert).focus?.();
  });
}

function enhanceCode(form) {
  const alert = document.getElementById("code-alert");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showAlert(alert, "");
    const invalid = checkFields(form);
    if (invalid) { showAlert(alert, "Enter your email address and the 6-digit code."); invalid.focus(); return; }
    const { status, json } = await postJson("/account/verify", formValues(form));
    if (status === 200) { location.assign("/account/verified"); return; }
    showAlert(alert, json.message ?? "Something went wrong; try again.");
  });
}

function enhanceResend(form) {
  const button = form.querySelector("button");
  const status = document.getElementById("resend-status");
  const cooldown = Number(form.dataset.cooldown || 60);
  const countDown = () => {
    let left = cooldown;
    button.disabled = true;
    const tick = () => {
      if (left <= 0) { button.disabled = false; button.textContent = "Send a new mail"; return; }
      button.textContent = `Send a new mail (${left} s)`;
      left -= 1;
      setTimeout(tick, 1000);
    };
    tick();
  };
  if (form.dataset.started === "true") countDown();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const email = form.elements.namedItem("email")?.value?.trim();
    if (!email) return;
    await postJson("/account/verify/resend", { email });
    status.textContent = `If the address needs verifying, a new mail is on its way. You can ask again in ${cooldown} seconds.`;
    countDown();
  });
}

const enhancers = { signup: enhanceSignup, code: enhanceCode, resend: enhanceResend };
for (const form of document.querySelectorAll("form[data-enhance]")) enhancers[form.dataset.enhance]?.(form);
