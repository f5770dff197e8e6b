import { isSpanContextValid, trace } from "@opentelemetry/api";
import { pino, type DestinationStream, type Logger, type LoggerOptions } from "pino";

export type { Logger };

const secretKeys = ["password", "token", "secret", "clientSecret", "apiToken", "authorization", "clientToken", "completionToken", "ticket", "verificationCode"];

/**
 * Anything that could carry a secret; pino replaces the value before the line is written. A bare
 * `code` is NOT here: it is how errors name themselves (`23505`, `ECONNREFUSED`), and redacting it
 * hid every one. Verification codes are logged under `verificationCode` instead (no log call passes
 * one today), and a request body's `code` is covered by `body.code` / `req.body`.
 */
export const redactPaths = [
  ...secretKeys,
  ...secretKeys.map((key) => `*.${key}`),
  "body.code",
  "req.body",
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "headers.Authorization",
  "res.headers['set-cookie']",
];

/** Verification links carry the raw token in the path, and some links a token or ticket in the query; logs keep only the route's shape. */
export function redactUrl(url: string): string {
  return url
    .replace(/(\/account\/verify\/)[^/?#]+/, "$1[redacted]")
    .replace(/([?&](?:token|code|ticket|completion_token)=)[^&#]*/gi, "$1[redacted]")
    .replace(
      /([?&](?:email|phone|phoneNumber)=)([^&#]*)/gi,
      (_, key: string, value: string) => key + maskContact(decodeURIComponent(value.replace(/\+/g, " "))),
    );
}

/**
 * An address or number as logs may show it: enough to tell two apart while debugging, not enough
 * to contact anyone ("a•••@example.com", "+44•••58").
 */
export function maskContact(value: string): string {
  const at = value.lastIndexOf("@");
  if (at > 0) return `${value[0]}•••${value.slice(at)}`;
  const digits = value.replace(/[^\d+]/g, "");
  return digits.length > 4 ? `${digits.slice(0, 3)}•••${digits.slice(-2)}` : "•••";
}

/**
 * `traceId` and `spanId` of the active span on every line written inside one, so a log line leads
 * to its trace and back. Read through the OpenTelemetry API alone: with telemetry off there is never
 * an active span and this adds nothing.
 */
export function traceFields(): Record<string, string> {
  const context = trace.getActiveSpan()?.spanContext();
  return context && isSpanContextValid(context) ? { traceId: context.traceId, spanId: context.spanId } : {};
}

export function createLogger(options: { name: string; level?: string } & LoggerOptions, destination?: DestinationStream): Logger {
  const settings: LoggerOptions = {
    ...options,
    level: options.level ?? "info",
    redact: { paths: redactPaths, censor: "[redacted]" },
    mixin: options.mixin ? (object, level, logger) => ({ ...traceFields(), ...options.mixin?.(object, level, logger) }) : traceFields,
    serializers: {
      ...pino.stdSerializers,
      req: (req: { method?: string; url?: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url ?? ""), remoteAddress: req.ip }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      ...options.serializers,
    },
  };
  return destination ? pino(settings, destination) : pino(settings);
}
