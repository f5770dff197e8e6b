import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, importPKCS8, type CryptoKey, type JWK } from "jose";
import { z } from "zod";

export type PublicSigningJwk = { kty: "EC"; crv: "P-256"; x: string; y: string; kid: string; alg: "ES256"; use: "sig" };

export type SigningKeys = {
  current: { kid: string; privateKey: CryptoKey; publicJwk: PublicSigningJwk };
  /** The key before the last rotation: published so its tokens still verify, never used to sign. */
  previous?: { kid: string; publicJwk: PublicSigningJwk };
  /** Generated at start-up because SIGNING_KEY is unset: tokens stop verifying on restart. */
  ephemeral: boolean;
};

const expected = "must be a PKCS#8 PEM (-----BEGIN PRIVATE KEY-----) or a private EC P-256 JWK (JSON with d)";

type Checked = { key: KeyObject; import: () => Promise<CryptoKey> };

/** Env files and secret stores often flatten a PEM onto one line with literal "\n"s. */
function normalise(value: string): string {
  const trimmed = value.trim();
  return trimmed.includes("\n") ? trimmed : trimmed.replaceAll("\\n", "\n");
}

const isP256 = (key: KeyObject) => key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1";

/**
 * What is wrong with a key, as a phrase to follow the variable's name, or the parsed key. Messages
 * never quote the input, nor a parser's message that might (newer JSON.parse errors do).
 */
function inspect(raw: string): Checked | string {
  const value = normalise(raw);
  if (value === "") return `is empty; it ${expected}`;
  if (value.startsWith("-----BEGIN")) {
    if (value.startsWith("-----BEGIN EC PRIVATE KEY-----"))
      return "is a SEC1 PEM (BEGIN EC PRIVATE KEY); convert it to PKCS#8 with `openssl pkcs8 -topk8 -nocrypt`";
    if (value.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----")) return "is an encrypted PEM; an unencrypted PKCS#8 key is needed";
    if (!value.startsWith("-----BEGIN PRIVATE KEY-----")) return `is a PEM but not a private key; it ${expected}`;
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: value, format: "pem" });
    } catch {
      return "is not a readable PKCS#8 PEM (damaged base64 or missing END line?)";
    }
    if (!isP256(key)) return "is not an EC P-256 key (ES256 needs the P-256 curve)";
    return { key, import: () => importPKCS8(value, "ES256") };
  }
  if (!value.startsWith("{")) return expected;
  let jwk: unknown;
  try {
    jwk = JSON.parse(value);
  } catch {
    return `is not valid JSON; it ${expected}`;
  }
  const { kty, crv, x, y, d, alg } = (jwk ?? {}) as Record<string, unknown>;
  if (kty !== "EC" || crv !== "P-256") return 'is not an EC P-256 JWK (kty "EC", crv "P-256")';
  if (alg !== undefined && alg !== "ES256") return 'has an "alg" other than ES256';
  if (typeof d !== "string" || d === "") return 'is a public JWK; the private key (with "d") is needed';
  if (typeof x !== "string" || typeof y !== "string") return 'is missing "x" or "y"';
  // Only the key members: "use", "key_ops" or "ext" copied from elsewhere must not stop signing.
  const bare = { kty: "EC" as const, crv, x, y, d };
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: bare, format: "jwk" });
  } catch {
    return "is not a valid EC P-256 private JWK";
  }
  // node accepts a "d" that does not belong to "x"/"y"; every token would then fail to verify.
  const probe = Buffer.from("signing-key-probe");
  if (!verify("sha256", probe, createPublicKey({ key: { kty, crv, x, y }, format: "jwk" }), sign("sha256", probe, key))) {
    return 'has a "d" that does not match its "x" and "y"';
  }
  return { key, import: () => importJWK(bare, "ES256") };
}

/** For a config shape: `SIGNING_KEY: signingKeySchema.optional()`; the issue never echoes the key. */
export const signingKeySchema = z.string().superRefine((value, ctx) => {
  const result = inspect(value);
  if (typeof result === "string") ctx.addIssue({ code: "custom", message: result });
});

async function publicJwkOf(jwk: JWK): Promise<PublicSigningJwk> {
  if (typeof jwk.x !== "string" || typeof jwk.y !== "string") throw new Error("EC public key without x or y");
  const bare = { kty: "EC" as const, crv: "P-256" as const, x: jwk.x, y: jwk.y };
  return { ...bare, kid: await calculateJwkThumbprint(bare, "sha256"), alg: "ES256", use: "sig" };
}

function parse(variable: string, value: string): Checked {
  const result = inspect(value);
  if (typeof result === "string") throw new Error(`${variable} ${result}`);
  return result;
}

const publicOf = (key: KeyObject) => publicJwkOf(createPublicKey(key).export({ format: "jwk" }));

/**
 * Keys for completion tokens. Without SIGNING_KEY an ephemeral key is generated so a service run
 * alone still works; the private key stays non-extractable because nothing needs to read it back.
 */
export async function loadSigningKeys(input: { current: string | undefined; previous?: string | undefined }): Promise<SigningKeys> {
  const previousChecked = input.previous === undefined ? undefined : parse("SIGNING_KEY_PREVIOUS", input.previous);
  if (input.current === undefined && previousChecked) {
    throw new Error("SIGNING_KEY_PREVIOUS is set but SIGNING_KEY is not; set SIGNING_KEY to the key that signs now");
  }
  let current: SigningKeys["current"];
  if (input.current === undefined) {
    const pair = await generateKeyPair("ES256");
    const publicJwk = await publicJwkOf(await exportJWK(pair.publicKey));
    current = { kid: publicJwk.kid, privateKey: pair.privateKey, publicJwk };
  } else {
    const checked = parse("SIGNING_KEY", input.current);
    const publicJwk = await publicOf(checked.key);
    current = { kid: publicJwk.kid, privateKey: await checked.import(), publicJwk };
  }
  if (!previousChecked) return { current, ephemeral: input.current === undefined };
  const previousJwk = await publicOf(previousChecked.key);
  if (previousJwk.kid === current.kid) {
    throw new Error("SIGNING_KEY_PREVIOUS is the same key as SIGNING_KEY; it must be the key before the last rotation");
  }
  return { current, previous: { kid: previousJwk.kid, publicJwk: previousJwk }, ephemeral: false };
}
