// src/phone-mask.ts for the browser (the page learns the number from the SDK, not from the server):
// the country code and the last four digits, at least three digits hidden.
export function maskPhone(e164) {
  const digits = String(e164).replace(/[^\d]/g, "");
  const plus = String(e164).trim().startsWith("+") ? "+" : "";
  const visible = Math.max(0, digits.length - 3);
  const tail = Math.min(4, Math.ceil(visible / 2));
  const head = Math.min(4, visible - tail);
  return `${plus}${digits.slice(0, head)}•••${tail > 0 ? digits.slice(-tail) : ""}`;
}
