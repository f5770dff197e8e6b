import { createHttp } from "./http.ts";
import { createSessionStore } from "./session-store.ts";
import { createSignUpResource, type SignUpResource } from "./sign-up.ts";
import type { ClientOptions, FetchLike } from "./types.ts";

export type SignUpClient = { signUp: SignUpResource };

export function createSignUpClient(options: ClientOptions): SignUpClient {
  if (typeof options.baseUrl !== "string" || options.baseUrl === "") throw new TypeError("createSignUpClient: baseUrl is required");
  const http = createHttp({ baseUrl: options.baseUrl, fetch: options.fetch ?? defaultFetch() });
  return { signUp: createSignUpResource({ http, store: createSessionStore(options.storage) }) };
}

/** Bound, because browsers throw "Illegal invocation" when fetch is called off its window. */
function defaultFetch(): FetchLike {
  const platformFetch: unknown = (globalThis as { fetch?: unknown }).fetch;
  if (typeof platformFetch !== "function") throw new TypeError("createSignUpClient: no global fetch here; pass options.fetch");
  return (platformFetch as FetchLike).bind(globalThis);
}
