/**
 * How a page shows the number the SMS went to: enough for the person to recognise it, not the
 * whole number (pages are cached, shared and screenshotted). The same rule as the sms service's
 * masks in logs ("+15555550123" → "+1555•••0123"), so support and the person see one spelling;
 * assets/phone-mask.js is this function for the browser.
 */
export function maskPhone(e164: string): string {
  const digits = e164.replace(/[^\d]/g, "");
  const plus = e164.trim().startsWith("+") ? "+" : "";
  // At least 3 digits stay hidden; of the rest, the end gets the odd one (people know their number by it).
  const visible = Math.max(0, digits.length - 3);
  const tail = Math.min(4, Math.ceil(visible / 2));
  const head = Math.min(4, visible - tail);
  return `${plus}${digits.slice(0, head)}•••${tail > 0 ? digits.slice(-tail) : ""}`;
}
