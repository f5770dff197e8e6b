import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * One completion-token signing key (PKCS#8 P-256 PEM) per checkout, kept under .data/ so tokens
 * minted before a restart of `pnpm start` still verify against the JWKS after it.
 */
export function devSigningKey(file: string): string {
  if (existsSync(file)) return readFileSync(file, "utf8");
  const { privateKey } = generateKeyPairSync("ec", {
    namedCurve: "P-256",
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, privateKey, { mode: 0o600 });
  return privateKey;
}
