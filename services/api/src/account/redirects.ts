import { HttpError } from "../http-error.ts";

/**
 * Where a verified sign-up's browser may be sent. Only absolute http(s) URLs whose origin is on the
 * allowlist pass: "//evil.test", "javascript:", "http://app.test.evil.test" and relative paths all
 * fail, so the API is never an open redirect.
 */
export function allowedRedirect(value: string, allowlist: readonly string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  if (url.username || url.password) return undefined;
  return allowlist.includes(url.origin) ? url.toString() : undefined;
}

export function requireAllowedRedirect(value: string | undefined, allowlist: readonly string[]): string | undefined {
  if (value === undefined) return undefined;
  const allowed = allowedRedirect(value, allowlist);
  if (!allowed) {
    throw new HttpError(400, "redirect_url_not_allowed", "redirectUrl must be an absolute URL on an allowed origin (REDIRECT_ALLOWLIST).", [
      { field: "redirectUrl", code: "redirect_url_not_allowed", message: "This origin is not on the allowlist." },
    ]);
  }
  return allowed;
}

export type AfterVerify =
  | { mode: "redirect" }
  /** Straight into the IdP's login, as the Beyond Identity guide recommends. */
  | { mode: "oidc"; authorizeUrl: string; clientId: string; redirectUri: string };

/** The Location after the verify button: the IdP's login, the sign-up's own redirectUrl, or our page. */
export function afterVerifyLocation(
  settings: { afterVerify: AfterVerify; redirectAllowlist: readonly string[] },
  signUp: { redirectUrl: string | null; emailAddress: string | null } | null,
): string {
  const { afterVerify } = settings;
  if (afterVerify.mode === "oidc") {
    const url = new URL(afterVerify.authorizeUrl);
    url.searchParams.set("client_id", afterVerify.clientId);
    url.searchParams.set("redirect_uri", afterVerify.redirectUri);
    url.searchParams.set("response_type", "code");
    url.searchParams.set("scope", "openid email");
    if (signUp?.emailAddress) url.searchParams.set("login_hint", signUp.emailAddress);
    return url.toString();
  }
  const target = signUp?.redirectUrl ? allowedRedirect(signUp.redirectUrl, settings.redirectAllowlist) : undefined;
  return target ?? "/account/verified";
}

/** "https://app.example.com, http://localhost:3001" → normalised origins; a bad entry is a config error. */
export function parseOrigins(value: string): string[] {
  return value
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const url = new URL(part);
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`${part} is not an http(s) origin`);
      return url.origin;
    });
}
