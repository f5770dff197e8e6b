import { availableParallelism } from "node:os";
import { hash } from "@node-rs/argon2";
import pLimit from "p-limit";

// Algorithm.Argon2id; the package ships it as a const enum, which isolated modules cannot import.
const ARGON2ID = 2;

/**
 * Hashes run on libuv's threads, four by default. Each holds its 19 MiB of memory while it runs,
 * and more hashes at once than cores buy no throughput, only memory (and every hash waits longer):
 * one per core, unless the API's ARGON2_CONCURRENCY says otherwise (setPasswordHashConcurrency).
 */
const hashes = pLimit(availableParallelism());

export function setPasswordHashConcurrency(concurrency: number): void {
  hashes.concurrency = concurrency;
}

/** OWASP's argon2id minimum (m=19 MiB, t=2, p=1); done in the API before anything else sees it. */
export function hashPassword(password: string): Promise<string> {
  return hashes(() => hash(password, { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 }));
}
