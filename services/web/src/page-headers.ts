import type { FastifyReply } from "fastify";

/**
 * The headers every page carries. The CSP lets scripts talk to this site and the API only, and
 * forms post here only (plus the app's origin, which a form's redirect may lead to: Chromium
 * applies form-action to redirects too). No referrer: check-email URLs carry the address.
 */
export function pageHeaders(options: { apiUrl: string; appUrl: string }): (reply: FastifyReply) => FastifyReply {
  const apiOrigin = new URL(options.apiUrl).origin;
  const appOrigin = /^https?:/.test(options.appUrl) ? new URL(options.appUrl).origin : undefined;
  const csp = [
    "default-src 'self'",
    `connect-src 'self' ${apiOrigin}`,
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `form-action 'self'${appOrigin ? ` ${appOrigin}` : ""}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join("; ");
  return (reply) =>
    reply
      .header("content-security-policy", csp)
      .header("referrer-policy", "no-referrer")
      .header("cache-control", "no-store")
      .header("x-content-type-options", "nosniff")
      .type("text/html; charset=utf-8");
}
