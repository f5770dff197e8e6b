import { availableParallelism } from "node:os";
import { hash } from "@node-rs/argon2";
import pLimit from "p-limit";

// Algorithm.Argon2id; the package ships it as a const enum, which isolated modules cannot import.
const ARGON2ID = 2;

/**
 * argon2id with one of the five settings OWASP's Password Storage Cheat Sheet lists as the same
 * defence (m=9 MiB, t=4, p=1, beside its headline m=19 MiB, t=2): they trade memory for passes, so
 * the CPU per hash is the same and each hash in flight holds 10 MiB less, which keeps the API
 * within 150 MB at load (pnpm bench: 163-170 MB before, 145 after). A stored hash names its own
 * parameters, so hashes made under the former setting still check out wherever they are verified.
 */
export const passwordHashOptions = { algorithm: ARGON2ID, memoryCost: 9_216, timeCost: 4, parallelism: 1 } as const;

/**
 * Hashes run on libuv's threads, four by default. Each holds its 9 MiB of memory while it runs:
 * one per core, unless the API's ARGON2_CONCURRENCY says otherwise (setPasswordHashConcurrency).
 * One more than the cores bought ~7 % more password sign-ups/s on 2 cores (it fills the gaps the
 * register's own work leaves) for ~10 MB more RSS, too close to the 150 MB the API is held to to be
 * the default (docs/scaling.md); more than that bought nothing.
 */
const hashes = pLimit(availableParallelism());

export function setPasswordHashConcurrency(concurrency: number): void {
  hashes.concurrency = concurrency;
}

/** Done in the API before anything else sees the password. */
export function hashPassword(password: string): Promise<string> {
  return hashes(() => hash(password, passwordHashOptions));
}
