import { SignUpError } from "./errors.ts";
import type { FetchInit, FetchLike, FieldError, ResponseLike } from "./types.ts";

export type RequestOptions = { body?: unknown; token?: string };
export type Http = { request(method: string, path: string, options?: RequestOptions): Promise<unknown> };

/** One place that turns a call into a fetch and any non-2xx or unreadable answer into a SignUpError. */
export function createHttp(deps: { baseUrl: string; fetch: FetchLike }): Http {
  const base = deps.baseUrl.replace(/\/+$/, "");

  async function request(method: string, path: string, options: RequestOptions = {}): Promise<unknown> {
    const headers: Record<string, string> = { accept: "application/json" };
    const init: FetchInit = { method, headers, credentials: "omit" };
    if (options.body !== undefined) {
      // Only with a body: fastify answers 400 to a content-type of JSON with an empty body.
      headers["content-type"] = "application/json";
      init.body = JSON.stringify(options.body);
    }
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;

    let response: ResponseLike;
    let text: string;
    try {
      response = await deps.fetch(`${base}${path}`, init);
      text = await response.text();
    } catch (cause) {
      throw new SignUpError({ code: "network_error", message: `Could not reach the sign-up API (${method} ${path})`, cause });
    }

    const json = parseJson(text);
    if (response.status >= 200 && response.status < 300) {
      if (json === undefined) throw unexpected(response.status, `${method} ${path} answered ${response.status} without JSON`);
      return json;
    }
    throw toError(response, json);
  }

  return { request };
}

function toError(response: ResponseLike, json: unknown): SignUpError {
  const code = isRecord(json) ? json.code : undefined;
  if (!isRecord(json) || typeof code !== "string") {
    return unexpected(response.status, `The sign-up API answered ${response.status}`);
  }
  return new SignUpError({
    code,
    message: typeof json.message === "string" ? json.message : code,
    status: response.status,
    fields: Array.isArray(json.fields) ? json.fields.flatMap((field: unknown) => toFieldError(field, code)) : [],
    retryAfterSeconds: retryAfterSeconds(response.headers.get("retry-after")),
  });
}

function unexpected(status: number, message: string): SignUpError {
  return new SignUpError({ code: "unexpected_response", message, status });
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterSeconds(header: string | null): number | null {
  if (header === null || header.trim() === "") return null;
  if (/^\s*\d+\s*$/.test(header)) return Number(header);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The contract lets an entry be just `{field}` (redirect_url_not_allowed); code then falls back to the error's. */
function toFieldError(value: unknown, fallbackCode: string): FieldError[] {
  if (!isRecord(value) || typeof value.field !== "string") return [];
  const code = typeof value.code === "string" ? value.code : fallbackCode;
  return [{ field: value.field, code, message: typeof value.message === "string" ? value.message : code }];
}
