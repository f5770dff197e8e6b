import { createRequire } from "node:module";

type LanguageCommon = typeof import("@zxcvbn-ts/language-common");

let common: ReadonlySet<string> | undefined;

/**
 * Whether a password is on zxcvbn-ts' maintained list of common passwords (about 49,000, all lower
 * case, so the check ignores case). The list is decompressed when the package is evaluated, so it
 * is required on first use, not imported: a process that never takes a password never pays for it.
 */
export function isCommonPassword(password: string): boolean {
  common ??= new Set(
    (createRequire(import.meta.url)("@zxcvbn-ts/language-common") as LanguageCommon).dictionary["passwords-common"].map((entry) => entry.toLowerCase()),
  );
  return common.has(password.toLowerCase());
}
