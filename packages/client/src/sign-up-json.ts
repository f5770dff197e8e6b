import { SignUpError } from "./errors.ts";
import { isRecord } from "./http.ts";
import type { SignUp } from "./types.ts";

/**
 * A light run-time check of what the SDK itself relies on (id, status, verifications), so a proxy's
 * page or a wrong base URL fails loudly here instead of as a TypeError deep in the magic-link poll.
 * The rest is trusted to the contract.
 */
export function toSignUp(json: unknown): SignUp {
  if (!isRecord(json) || typeof json.id !== "string" || typeof json.status !== "string" || !isRecord(json.verifications)) {
    throw new SignUpError({ code: "unexpected_response", message: "The sign-up API answered with something that is not a sign-up", status: 200 });
  }
  // The client token is shown once, on create; it stays inside the SDK and out of snapshots apps log or render.
  const { clientToken: _clientToken, ...signUp } = json;
  return signUp as SignUp;
}

/** POST /v1/sign-ups answers the sign-up plus its clientToken. */
export function toCreated(json: unknown): { signUp: SignUp; clientToken: string } {
  const clientToken = isRecord(json) ? json.clientToken : undefined;
  if (typeof clientToken !== "string" || clientToken === "") {
    throw new SignUpError({ code: "unexpected_response", message: "The sign-up API created a sign-up without a client token", status: 201 });
  }
  return { signUp: toSignUp(json), clientToken };
}
