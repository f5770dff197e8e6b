import { SignUpError } from "./errors.ts";
import type { Http } from "./http.ts";
import { createMagicLinkFlow, type MagicLinkFlow, type MagicLinkOptions } from "./magic-link.ts";
import type { Session, SessionStore } from "./session-store.ts";
import { toCreated, toSignUp } from "./sign-up-json.ts";
import type { AttemptVerificationParams, CreateSignUpParams, PrepareVerificationParams, SignUp, SignUpParams } from "./types.ts";

export type SignUpResource = {
  /** The latest snapshot the API answered; null before create, and after a restore until reload(). */
  readonly current: SignUp | null;
  /** The sign-up's id; also known right after a restore from storage. */
  readonly id: string | null;
  create(params: CreateSignUpParams): Promise<SignUp>;
  update(params: SignUpParams): Promise<SignUp>;
  prepareVerification(params: PrepareVerificationParams): Promise<SignUp>;
  attemptVerification(params: AttemptVerificationParams): Promise<SignUp>;
  reload(): Promise<SignUp>;
  /** Forgets the sign-up here and in storage (the API keeps it until it is abandoned). */
  clear(): void;
  createMagicLinkFlow(options?: MagicLinkOptions): MagicLinkFlow;
};

export function createSignUpResource(deps: { http: Http; store: SessionStore }): SignUpResource {
  const { http, store } = deps;
  let session: Session | null = store.load();
  let current: SignUp | null = null;
  // Calls can overlap (a magic-link poll and a click on "resend"); an older answer arriving last
  // must not replace a newer snapshot, and no answer may outlive the sign-up it was asked about.
  let issued = 0;
  let applied = 0;

  async function call(method: string, path: string, body?: unknown): Promise<SignUp> {
    const asked = session;
    if (asked === null) {
      throw new SignUpError({ code: "no_sign_up", message: "No sign-up yet: call create() first (or restore one from storage)" });
    }
    const seq = ++issued;
    const json = await http.request(method, `/v1/sign-ups/${encodeURIComponent(asked.id)}${path}`, { body, token: asked.clientToken });
    const signUp = toSignUp(json);
    if (session === asked && seq > applied) {
      applied = seq;
      current = signUp;
    }
    return signUp;
  }

  const resource: SignUpResource = {
    get current() {
      return current;
    },
    get id() {
      return session?.id ?? null;
    },
    async create(params) {
      const { signUp, clientToken } = toCreated(await http.request("POST", "/v1/sign-ups", { body: params }));
      session = { id: signUp.id, clientToken };
      store.save(session);
      applied = ++issued;
      current = signUp;
      return signUp;
    },
    update: (params) => call("PATCH", "", params),
    prepareVerification: (params) => call("POST", "/prepare-verification", params),
    attemptVerification: (params) => call("POST", "/attempt-verification", params),
    reload: () => call("GET", ""),
    clear() {
      session = null;
      current = null;
      store.clear();
    },
    createMagicLinkFlow: (options) => createMagicLinkFlow(resource, options),
  };
  return resource;
}
