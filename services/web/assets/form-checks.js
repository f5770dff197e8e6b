// The checks a page can make before anything is sent, and the way errors are shown beside fields.
// The server and the API check again: these only save a round trip and keep focus where it helps.

const rules = {
  email: (v) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? "" : "Enter a valid email address."),
  password: (v, input) => {
    const min = Number(input.getAttribute("minlength") || 8);
    const max = Number(input.getAttribute("maxlength") || 128);
    return v.length < min ? `Use at least ${min} characters.` : v.length > max ? `Use at most ${max} characters.` : "";
  },
  username: (v) => (/^[A-Za-z0-9._-]{3,64}$/.test(v) ? "" : "3 to 64 letters, digits, dots, dashes or underscores."),
  // The API parses the number properly; this only catches the national form it would refuse.
  phoneNumber: (v) => (/^\+[\d\s().-]{6,30}$/.test(v) ? "" : "Enter a phone number in international form, e.g. +44 20 7946 0958."),
  code: (v) => (/^\d{6}$/.test(v) ? "" : "Enter the 6 digits from the mail."),
  smsCode: (v) => (/^\d{6}$/.test(v) ? "" : "Enter the 6 digits from the SMS."),
};

export function showFieldError(form, name, message) {
  const input = form.elements.namedItem(name);
  const slot = form.querySelector(`[data-error-for="${name}"]`);
  if (slot) slot.textContent = message;
  if (input instanceof HTMLInputElement) {
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    input.closest(".field")?.classList.toggle("invalid", Boolean(message));
  }
}

export function showAlert(el, message) {
  if (!el) return;
  el.textContent = message;
  el.hidden = !message;
}

/** Checks every visible input; returns the first invalid one (to focus), or null. */
export function checkFields(form) {
  let first = null;
  for (const input of form.querySelectorAll("input:not([type=hidden])")) {
    if (input.closest("[hidden]")) continue;
    const value = input.value.trim();
    let message = "";
    // data-rule: two inputs may share a name (the mail's code and the SMS's) but not a message.
    const rule = rules[input.dataset.rule || input.name];
    if (input.required && !value) message = "Fill this in.";
    else if (value && rule) message = rule(input.name === "password" ? input.value : value, input);
    showFieldError(form, input.name, message);
    if (message && !first) first = input;
  }
  return first;
}

/** The form's filled-in fields; blank means "not given". The password is kept exactly as typed. */
export function formValues(form) {
  const values = {};
  for (const [key, value] of new FormData(form)) if (typeof value === "string" && value.trim() !== "") values[key] = key === "password" ? value : value.trim();
  return values;
}

/** Runs one submission at a time: a second press while the API answers would send twice. */
export async function whileBusy(form, action) {
  const button = form.querySelector("button[type=submit]");
  if (button?.disabled) return;
  if (button) button.disabled = true;
  try {
    await action();
  } finally {
    if (button) button.disabled = false;
  }
}
