import { hash } from "@node-rs/argon2";

// Algorithm.Argon2id; the package ships it as a const enum, which isolated modules cannot import.
const ARGON2ID = 2;

/** OWASP's argon2id minimum (m=19 MiB, t=2, p=1); done in the API before anything else sees it. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
}
