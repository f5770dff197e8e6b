import { field, stringField, type HttpClient, type HttpRequest } from "./http.ts";

export type TokenSourceOptions = {
  http: HttpClient;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  /** Where the client authenticates: HTTP Basic (RFC 6749 §2.3.1 preferred) or form fields. */
  clientAuth: "basic" | "post";
  /** Refresh this long before expiry so a token never expires mid-request. */
  refreshMarginMs?: number;
  now?: () => number;
};

export type TokenSource = {
  /** A valid access token, fetched at most once per lifetime (concurrent callers share one request). */
  get(): Promise<string>;
  /** Drops the cached token, e.g. after the API answered 401 to it. */
  invalidate(): void;
};

const describeOAuthError = (json: unknown) => {
  const error = stringField(json, "error");
  const description = stringField(json, "error_description");
  return error ? [error, description].filter(Boolean).join(": ") : undefined;
};

/** OAuth 2.0 client-credentials grant (RFC 6749 §4.4) with an in-memory cache. */
export function clientCredentials(options: TokenSourceOptions): TokenSource {
  const { http, now = Date.now, refreshMarginMs = 30_000 } = options;
  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const form: Record<string, string> = { grant_type: "client_credentials" };
    if (options.scope) form.scope = options.scope;
    const headers: Record<string, string> = {};
    if (options.clientAuth === "basic") {
      // RFC 6749 §2.3.1: id and secret are form-urlencoded before base64.
      const pair = `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`;
      headers.authorization = `Basic ${Buffer.from(pair).toString("base64")}`;
    } else {
      form.client_id = options.clientId;
      form.client_secret = options.clientSecret;
    }
    const request: HttpRequest = { method: "POST", url: options.tokenUrl, headers, form };
    const response = await http.send(request);
    if (response.status !== 200) {
      // A rejected client (400 invalid_client / 401) is a configuration error: PermanentError.
      throw http.fail(request, response, describeOAuthError);
    }
    const token = stringField(response.json, "access_token");
    if (!token) throw new Error(`token endpoint answered 200 without an access_token`);
    const expiresIn = field(response.json, "expires_in");
    const lifetimeMs = typeof expiresIn === "number" && expiresIn > 0 ? expiresIn * 1_000 : 300_000;
    cached = { token, expiresAt: now() + Math.max(0, lifetimeMs - refreshMarginMs) };
    return token;
  }

  return {
    async get() {
      if (cached && now() < cached.expiresAt) return cached.token;
      pending ??= fetchToken().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate() {
      cached = undefined;
    },
  };
}

/**
 * Sends an authorized request; on 401 the cached token may have been revoked or rotated, so it is
 * refreshed once and the request repeated. A second 401 is a real credentials problem.
 */
export async function sendAuthorized(http: HttpClient, tokens: TokenSource, request: HttpRequest) {
  const attempt = async () => http.send({ ...request, headers: { ...request.headers, authorization: `Bearer ${await tokens.get()}` } });
  const first = await attempt();
  if (first.status !== 401) return first;
  tokens.invalidate();
  return attempt();
}
