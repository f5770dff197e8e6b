import { generateKeyPairSync } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { mintCompletionToken } from "../src/completion/completion-token.ts";
import { jwksRoutes } from "../src/completion/jwks-route.ts";
import { loadSigningKeys, type SigningKeys } from "../src/completion/signing-keys.ts";
import { installErrorHandlers } from "../src/http-error.ts";
import { registerOpenApi } from "../src/openapi.ts";

const issuer = "https://accounts.example.test";
const claims = { issuer, userId: "user-1", email: "ada@example.com", signUpId: "signup-1", idp: "keycloak", idpInternalId: "kc-42" };

const newPem = () =>
  generateKeyPairSync("ec", { namedCurve: "P-256", privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } })
    .privateKey;

const running: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.close()));
});

/** The API's JWKS as an adopting app sees it: over HTTP, through a fresh (uncached) remote set. */
async function serve(signingKeys: SigningKeys) {
  const app = Fastify({ logger: false });
  installErrorHandlers(app);
  await registerOpenApi(app);
  jwksRoutes(app, { signingKeys });
  running.push(app);
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  const url = new URL("/.well-known/jwks.json", address);
  const remote = createRemoteJWKSet(url);
  return {
    url,
    stop: () => app.close(),
    verify: (token: string, currentDate?: Date) => jwtVerify(token, remote, { issuer, algorithms: ["ES256"], ...(currentDate ? { currentDate } : {}) }),
  };
}

describe("completion token verified against /.well-known/jwks.json", () => {
  it("serves the key set with a five-minute public cache", async () => {
    const keys = await loadSigningKeys({ current: newPem(), previous: newPem() });
    const server = await serve(keys);
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
    const body = (await response.json()) as { keys: Record<string, unknown>[] };
    expect(body.keys.map((k) => k.kid)).toEqual([keys.current.kid, keys.previous?.kid]);
    expect(body.keys.some((k) => "d" in k)).toBe(false);
  });

  it("verifies a valid token and carries the claims", async () => {
    const keys = await loadSigningKeys({ current: newPem() });
    const server = await serve(keys);
    const before = Math.floor(Date.now() / 1000);
    const { payload, protectedHeader } = await server.verify(await mintCompletionToken(keys, claims));
    expect(protectedHeader).toEqual({ alg: "ES256", kid: keys.current.kid, typ: "JWT" });
    expect(payload).toMatchObject({
      iss: issuer,
      sub: "user-1",
      email: "ada@example.com",
      email_verified: true,
      idp: "keycloak",
      idp_internal_id: "kc-42",
      sign_up_id: "signup-1",
    });
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.exp).toBe(payload.iat! + 300);
  });

  it("leaves out idp claims that are not known yet", async () => {
    const keys = await loadSigningKeys({ current: newPem() });
    const server = await serve(keys);
    const { payload } = await server.verify(await mintCompletionToken(keys, { ...claims, idp: null, idpInternalId: null }));
    expect(payload).not.toHaveProperty("idp");
    expect(payload).not.toHaveProperty("idp_internal_id");
  });

  it("rejects a token whose payload was tampered with", async () => {
    const keys = await loadSigningKeys({ current: newPem() });
    const server = await serve(keys);
    const [header, payload, signature] = (await mintCompletionToken(keys, claims)).split(".") as [string, string, string];
    const middle = Math.floor(payload.length / 2);
    const tampered = payload.slice(0, middle) + (payload[middle] === "A" ? "B" : "A") + payload.slice(middle + 1);
    await expect(server.verify(`${header}.${tampered}.${signature}`)).rejects.toMatchObject({ code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" });
  });

  it("rejects a token once it has expired", async () => {
    const keys = await loadSigningKeys({ current: newPem() });
    const server = await serve(keys);
    const token = await mintCompletionToken(keys, claims);
    await expect(server.verify(token, new Date(Date.now() + 301_000))).rejects.toMatchObject({ code: "ERR_JWT_EXPIRED" });
    const short = await mintCompletionToken(keys, claims, { lifetimeSeconds: 60 });
    await expect(server.verify(short, new Date(Date.now() + 61_000))).rejects.toMatchObject({ code: "ERR_JWT_EXPIRED" });
  });

  it("keeps verifying across one rotation and stops after the next", async () => {
    const [k1, k2, k3] = [newPem(), newPem(), newPem()];
    const first = await loadSigningKeys({ current: k1 });
    const server1 = await serve(first);
    const token = await mintCompletionToken(first, claims);
    expect((await server1.verify(token)).protectedHeader.kid).toBe(first.current.kid);
    await server1.stop();

    const rotated = await serve(await loadSigningKeys({ current: k2, previous: k1 }));
    expect((await rotated.verify(token)).payload.sub).toBe("user-1");
    await rotated.stop();

    const rotatedAgain = await serve(await loadSigningKeys({ current: k3, previous: k2 }));
    await expect(rotatedAgain.verify(token)).rejects.toMatchObject({ code: "ERR_JWKS_NO_MATCHING_KEY" });
  });
});
