/**
 * Phone numbers are personal data: logs, audit entries and error messages (which end up in
 * BullMQ's failed set and the admin API) carry only a masked form. Enough stays visible for a
 * support person to match a complaint ("my number ends in 0123"), never the whole number.
 */

const hidden = "•••";
// At most the first 4 digits (the country code and, for +1, the area code) and the last 4.
const maxHead = 4;
const maxTail = 4;
// Short numbers still hide at least this many digits.
const minHidden = 3;

/** "+15555550123" → "+1555•••0123". Anything that is not a number keeps only its last 2 characters. */
export function maskPhone(phone: string): string {
  const trimmed = phone.trim();
  const digits = trimmed.replace(/[\s().-]/g, "");
  if (!/^\+?\d+$/.test(digits)) return `${hidden}${trimmed.slice(-2)}`;
  const plus = digits.startsWith("+") ? "+" : "";
  const number = plus ? digits.slice(1) : digits;
  const visible = Math.max(0, number.length - minHidden);
  // The end is what people recognise their number by, so it gets the odd digit.
  const tail = Math.min(maxTail, Math.ceil(visible / 2));
  const head = Math.min(maxHead, visible - tail);
  return `${plus}${number.slice(0, head)}${hidden}${tail > 0 ? number.slice(-tail) : ""}`;
}

// A "+" or a run of 6+ digits, separators allowed ("+1 (555) 555-0123"). Provider error codes are
// shorter (Twilio's are 5 digits), so they survive; a 6-digit verification code does not.
const numberLike = /\+?\d(?:[ ().-]{0,2}\d){5,}/g;

/**
 * Makes provider text safe to log: Twilio's 21211 message quotes the rejected number, and no
 * provider's echo of our message body (which holds the code) may reach a log.
 */
export function redactProviderText(text: string, body?: string): string {
  const withoutBody = body ? text.split(body).join("[message body]") : text;
  return withoutBody.replace(numberLike, (match) => {
    const digitCount = match.replace(/\D/g, "").length;
    // 6 digits look like a code, not a number: hide them entirely.
    return digitCount >= 7 || match.startsWith("+") ? maskPhone(match) : hidden;
  });
}
