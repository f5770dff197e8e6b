import { pino, type DestinationStream, type Logger, type LoggerOptions } from "pino";

export type { Logger };

/** Anything that could carry a secret; pino replaces the value before the line is written. */
export const redactPaths = [
  "password",
  "token",
  "code",
  "secret",
  "clientSecret",
  "apiToken",
  "authorization",
  "*.password",
  "*.token",
  "*.code",
  "*.secret",
  "*.clientSecret",
  "*.apiToken",
  "*.authorization",
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "headers.Authorization",
  "res.headers['set-cookie']",
];

/** Verification links carry the raw token in the path; logs keep only the route's shape. */
export function redactUrl(url: string): string {
  return url.replace(/(\/account\/verify\/)[^/?#]+/, "$1[redacted]").replace(/([?&](?:token|code)=)[^&#]*/gi, "$1[redacted]");
}

export function createLogger(options: { name: string; level?: string } & LoggerOptions, destination?: DestinationStream): Logger {
  const settings: LoggerOptions = {
    ...options,
    level: options.level ?? "info",
    redact: { paths: redactPaths, censor: "[redacted]" },
    serializers: {
      ...pino.stdSerializers,
      req: (req: { method?: string; url?: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url ?? ""), remoteAddress: req.ip }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      ...options.serializers,
    },
  };
  return destination ? pino(settings, destination) : pino(settings);
}
