import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp } from "../build-test-app.ts";
import { plantCode, signUpClient } from "./sign-up-client.ts";

const hostile = [
  "https://evil.test/welcome",
  "//evil.test/welcome",
  "javascript:alert(1)",
  "http://app.test.evil.test/",
  "https://app.test.evil.test/",
  "https://app.test@evil.test/",
  "https://evil.test/?next=https://app.test/",
  "/relative/path",
  "data:text/html,hi",
  " https://evil.test",
];

describe("redirects after the verify button (no open redirect)", () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  let api: ReturnType<typeof signUpClient>;
  beforeAll(async () => {
    ctx = await buildTestApp({ redirectAllowlist: ["https://app.test"] });
    api = signUpClient(ctx.app);
  });
  afterAll(async () => ctx?.close());

  /** A sign-up with its link, and the Location the button answers with. */
  async function pressButton(redirectUrl: string | undefined) {
    const { json } = await api.create({ emailAddress: `r${Math.random().toString(36).slice(2)}@example.com` });
    await api.prepare(json.id, json.clientToken);
    // Planted as a stored value so even a row that bypassed validation is checked again on the way out.
    if (redirectUrl !== undefined) await ctx.database.sql`update sign_ups set redirect_url = ${redirectUrl} where id = ${json.id}`;
    const token = await plantCode(ctx.database, json.id, "111111");
    const response = await ctx.app.inject({ method: "POST", url: `/account/verify/${token}` });
    return { response, id: json.id as string, clientToken: json.clientToken as string };
  }

  it("accepts an allowlisted redirectUrl at create and at prepare", async () => {
    const created = await api.create({ emailAddress: "allowed@example.com", redirectUrl: "https://app.test/welcome?from=mail" });
    expect(created.status).toBe(201);
    const prepared = await api.prepare(created.json.id, created.json.clientToken, { strategy: "email_link", redirectUrl: "https://app.test/next" });
    expect(prepared.status).toBe(200);
    const [row] = await ctx.database.sql`select redirect_url from sign_ups where id = ${created.json.id}`;
    expect(row!.redirect_url).toBe("https://app.test/next");
  });

  it("refuses hostile redirectUrls at create, update and prepare with redirect_url_not_allowed", async () => {
    const { json } = await api.create({ emailAddress: "careful@example.com" });
    for (const url of hostile) {
      for (const answer of [
        await api.create({ emailAddress: "x@example.com", redirectUrl: url }),
        await api.patch(json.id, json.clientToken, { redirectUrl: url }),
        await api.prepare(json.id, json.clientToken, { strategy: "email_link", redirectUrl: url }),
      ]) {
        expect([answer.status, answer.json.code], url).toEqual([400, "redirect_url_not_allowed"]);
      }
    }
  });

  it("never answers the button with a Location outside the allowlist", async () => {
    const allowed = await pressButton("https://app.test/welcome");
    expect([allowed.response.statusCode, allowed.response.headers.location]).toEqual([303, "https://app.test/welcome"]);
    expect((await api.get(allowed.id, allowed.clientToken)).json.status).toBe("complete");

    for (const url of hostile) {
      const { response } = await pressButton(url);
      expect([response.statusCode, response.headers.location], url).toEqual([303, "/account/verified"]);
    }
    expect((await pressButton(undefined)).response.headers.location).toBe("/account/verified");
  });
});

describe("AFTER_VERIFY=oidc: straight into the IdP's login", () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  beforeAll(async () => {
    ctx = await buildTestApp({
      afterVerify: {
        mode: "oidc",
        authorizeUrl: "https://idp.test/oauth2/authorize?tenant=acme",
        clientId: "app-client",
        redirectUri: "https://app.test/callback",
      },
    });
  });
  afterAll(async () => ctx?.close());

  it("redirects with client_id, redirect_uri and login_hint = the address", async () => {
    const api = signUpClient(ctx.app);
    const { json } = await api.create({ emailAddress: "Hint.Me@example.com" });
    await api.prepare(json.id, json.clientToken);
    const token = await plantCode(ctx.database, json.id, "222222");
    const response = await ctx.app.inject({ method: "POST", url: `/account/verify/${token}` });
    expect(response.statusCode).toBe(303);
    const location = new URL(response.headers.location as string);
    expect(location.origin + location.pathname).toBe("https://idp.test/oauth2/authorize");
    expect(Object.fromEntries(location.searchParams)).toEqual({
      tenant: "acme",
      client_id: "app-client",
      redirect_uri: "https://app.test/callback",
      response_type: "code",
      scope: "openid email",
      login_hint: "Hint.Me@example.com",
    });
  });
});

describe("CORS for browser front-ends", () => {
  let ctx: Awaited<ReturnType<typeof buildTestApp>>;
  beforeAll(async () => {
    ctx = await buildTestApp({}, { corsOrigins: ["https://web.test"] });
  });
  afterAll(async () => ctx?.close());

  const preflight = (origin: string) =>
    ctx.app.inject({
      method: "OPTIONS",
      url: "/v1/sign-ups",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type,authorization" },
    });

  it("allows the configured origins only", async () => {
    const allowed = await preflight("https://web.test");
    expect(allowed.headers["access-control-allow-origin"]).toBe("https://web.test");
    expect(String(allowed.headers["access-control-allow-headers"])).toContain("authorization");
    const other = await preflight("https://evil.test");
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
  });
});
