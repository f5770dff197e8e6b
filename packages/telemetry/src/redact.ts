import type { AttributeValue, Attributes, Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace-base";

/**
 * Attribute names whose values are secret or personal whatever they hold (the last dotted
 * segment, case and separators ignored): a captured `authorization` header, a `code`, an `email`.
 * `http.response.status_code` ends in `status_code`, not `code`, and stays.
 */
const secretNames = new Set([
  "password",
  "token",
  "secret",
  "authorization",
  "cookie",
  "setcookie",
  "ticket",
  "code",
  "verificationcode",
  "clienttoken",
  "completiontoken",
  "apitoken",
  "accesstoken",
  "refreshtoken",
  "email",
  "emailaddress",
  "phone",
  "phonenumber",
  "to",
  "params",
]);

/** Attributes that hold a URL or part of one (fastify's url.path is the raw request URL). */
const urlNames = new Set(["url.full", "url.path", "url.query", "http.url", "http.target"]);

const emailPattern = /[^\s@"'<>()[\]{},;:/?=&]+@[^\s@"'<>()[\]{},;:/?=&]+\.[A-Za-z]{2,}/g;
// E.164 and its written forms: "+44 20 7946 0958", "+442079460958"; a bare "+12" stays.
const phonePattern = /\+\d[\d\s().-]{6,}\d/g;

/** A URL with the verification token out of its path and every query value replaced. */
export function redactUrlValue(url: string): string {
  return url
    .replace(/(\/account\/verify\/)(?!:token\b)[^/?#]+/, "$1[redacted]") // the route template stays
    .replace(/([?&][^=&#]*=)[^&#]*/g, "$1[redacted]");
}

/** Addresses and phone numbers out of free text (an error message, a span name). */
export function redactText(text: string): string {
  return text.replace(emailPattern, "[email]").replace(phonePattern, "[phone]");
}

function redactValue(key: string, value: AttributeValue): AttributeValue {
  const name = key
    .slice(key.lastIndexOf(".") + 1)
    .toLowerCase()
    .replace(/[-_]/g, "");
  if (secretNames.has(name)) return "[redacted]";
  const clean = (text: string) => redactText(urlNames.has(key) ? redactUrlValue(text) : text);
  if (typeof value === "string") return clean(value);
  if (Array.isArray(value)) return value.map((item) => (typeof item === "string" ? clean(item) : item)) as AttributeValue;
  return value;
}

/** A copy of the attributes with every secret or personal value replaced; unchanged ones stay as they are. */
export function redactAttributes(attributes: Attributes): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) out[key] = value === undefined ? value : redactValue(key, value);
  return out;
}

/**
 * The last word before a span leaves the process: runs in onEnding, while the span can still be
 * changed, over everything an instrumentation may have recorded (fastify's raw url.path with a
 * verification token in it, undici's url.full with an IdP lookup's ?filter=, an exception message
 * naming an address). Our own spans carry ids only; this is the net under everyone else's.
 */
export class RedactingSpanProcessor implements SpanProcessor {
  onStart(_span: Span, _parentContext: Context): void {}

  onEnding(span: Span): void {
    for (const [key, value] of Object.entries(span.attributes)) {
      if (value === undefined) continue;
      const clean = redactValue(key, value);
      if (clean !== value) span.setAttribute(key, clean);
    }
    for (const event of span.events) if (event.attributes) Object.assign(event.attributes, redactAttributes(event.attributes));
    span.updateName(redactUrlValue(redactText(span.name)));
    // Only an ERROR status has a message, and setStatus may replace one ERROR with another.
    if (span.status.message) span.setStatus({ code: span.status.code, message: redactText(span.status.message) });
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
