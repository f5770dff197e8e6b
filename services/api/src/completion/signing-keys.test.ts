import { generateKeyPairSync } from "node:crypto";
import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { jwks, mintCompletionToken } from "./completion-token.ts";
import { loadSigningKeys, signingKeySchema } from "./signing-keys.ts";

const p256 = () => generateKeyPairSync("ec", { namedCurve: "P-256" });
const pemOf = (pair: ReturnType<typeof p256>) => pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const jwkOf = (pair: ReturnType<typeof p256>) => pair.privateKey.export({ format: "jwk" });

/** The error for `input`, checked to name the variable and to quote none of the key. */
async function errorFor(input: { current: string | undefined; previous?: string }, secrets: string[]): Promise<string> {
  const error = await loadSigningKeys(input).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error).toBeInstanceOf(Error);
  const message = error!.message;
  for (const secret of secrets) expect(message).not.toContain(secret.slice(0, 24));
  return message;
}

describe("loadSigningKeys", () => {
  it("gives the same RFC 7638 kid for a key given as PEM or as JWK", async () => {
    const pair = p256();
    const fromPem = await loadSigningKeys({ current: pemOf(pair) });
    const fromJwk = await loadSigningKeys({ current: JSON.stringify(jwkOf(pair)) });
    expect(fromPem.current.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fromJwk.current.kid).toBe(fromPem.current.kid);
    expect(fromJwk.current.publicJwk).toEqual(fromPem.current.publicJwk);
    expect(fromPem.ephemeral).toBe(false);
  });

  it("accepts a PEM flattened onto one line with literal \\n", async () => {
    const pair = p256();
    const flat = pemOf(pair).trim().replaceAll("\n", "\\n");
    expect((await loadSigningKeys({ current: flat })).current.kid).toBe((await loadSigningKeys({ current: pemOf(pair) })).current.kid);
  });

  it("generates an ephemeral key when SIGNING_KEY is unset, and a new one each start", async () => {
    const first = await loadSigningKeys({ current: undefined });
    const second = await loadSigningKeys({ current: undefined });
    expect(first.ephemeral).toBe(true);
    expect(first.current.kid).not.toBe(second.current.kid);
    const token = await mintCompletionToken(first, { issuer: "https://id.example.test", userId: "u1", email: "a@example.com", signUpId: "s1" });
    const { payload } = await jwtVerify(token, await importJWK(first.current.publicJwk, "ES256"), { issuer: "https://id.example.test" });
    expect(payload).toMatchObject({ sub: "u1", email: "a@example.com", email_verified: true, sign_up_id: "s1" });
    expect(payload).not.toHaveProperty("idp");
    expect(decodeProtectedHeader(token)).toEqual({ alg: "ES256", kid: first.current.kid, typ: "JWT" });
  });

  it("publishes current and previous public keys, never d", async () => {
    const current = p256();
    const previous = p256();
    const keys = await loadSigningKeys({ current: pemOf(current), previous: JSON.stringify(jwkOf(previous)) });
    const set = jwks(keys);
    expect(set.keys.map((k) => k.kid)).toEqual([keys.current.kid, keys.previous?.kid]);
    for (const key of set.keys) {
      expect(key).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
      expect(Object.keys(key).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x", "y"]);
    }
    expect(JSON.stringify(set)).not.toContain(jwkOf(current).d!);
    expect(JSON.stringify(set)).not.toContain(jwkOf(previous).d!);
  });

  it("explains bad input by variable name without quoting the key", async () => {
    const pair = p256();
    const pem = pemOf(pair);
    const jwk = jwkOf(pair);
    const body = pem.split("\n")[1]!;
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const p384 = generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const sec1 = pair.privateKey.export({ type: "sec1", format: "pem" }).toString();
    const other = jwkOf(p256());

    expect(await errorFor({ current: `not a key ${body}` }, [body])).toMatch(/^SIGNING_KEY must be a PKCS#8 PEM/);
    expect(await errorFor({ current: pem.replace(body, `${body.slice(0, 20)}!!${body.slice(22)}`) }, [body])).toMatch(
      /^SIGNING_KEY is not a readable PKCS#8 PEM/,
    );
    expect(await errorFor({ current: rsa }, [rsa.split("\n")[1]!])).toMatch(/^SIGNING_KEY is not an EC P-256 key/);
    expect(await errorFor({ current: p384 }, [p384.split("\n")[1]!])).toMatch(/^SIGNING_KEY is not an EC P-256 key/);
    expect(await errorFor({ current: sec1 }, [sec1.split("\n")[1]!])).toMatch(/^SIGNING_KEY is a SEC1 PEM/);
    expect(await errorFor({ current: `{"d":"${jwk.d}",` }, [jwk.d!])).toMatch(/^SIGNING_KEY is not valid JSON/);
    const { d: _d, ...publicOnly } = jwk;
    expect(await errorFor({ current: pemOf(p256()), previous: JSON.stringify(publicOnly) }, [jwk.x!])).toMatch(/^SIGNING_KEY_PREVIOUS is a public JWK/);
    expect(await errorFor({ current: JSON.stringify({ ...jwk, d: other.d }) }, [jwk.x!, other.d!])).toMatch(/^SIGNING_KEY has a "d" that does not match/);
    expect(await errorFor({ current: pem, previous: JSON.stringify(jwk) }, [body, jwk.d!])).toMatch(/^SIGNING_KEY_PREVIOUS is the same key as SIGNING_KEY/);
    expect(await errorFor({ current: undefined, previous: pem }, [body])).toMatch(/^SIGNING_KEY_PREVIOUS is set but SIGNING_KEY is not/);
  });

  it("works as a zod config schema whose issues name the variable and not the key", () => {
    const shape = z.object({ SIGNING_KEY: signingKeySchema.optional(), SIGNING_KEY_PREVIOUS: signingKeySchema.optional() });
    const pem = pemOf(p256());
    expect(shape.safeParse({ SIGNING_KEY: pem }).success).toBe(true);
    const result = shape.safeParse({ SIGNING_KEY: pem, SIGNING_KEY_PREVIOUS: "-----BEGIN PUBLIC KEY-----\nsecretstuff" });
    expect(result.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["SIGNING_KEY_PREVIOUS", expect.stringMatching(/^is a PEM but not a private key/)],
    ]);
    expect(JSON.stringify(result.error)).not.toContain("secretstuff");
  });
});
