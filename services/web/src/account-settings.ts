import { z } from "zod";

const mode = z.enum(["required", "optional", "off"]);

/**
 * GET /account/settings, as the contract publishes it; checked, so a changed API fails here, loudly.
 * phoneNumber came later: an API that does not list it does not ask for it.
 */
const settingsSchema = z.object({
  fields: z.object({ email: mode, password: mode, username: mode, firstName: mode, lastName: mode, phoneNumber: mode.default("off") }),
  password: z.object({ minLength: z.number().int(), maxLength: z.number().int() }).nullable(),
  resendCooldownSeconds: z.number().int().min(0),
});

export type AccountSettings = z.infer<typeof settingsSchema>;
export type FieldName = keyof AccountSettings["fields"];

export class SettingsUnavailable extends Error {}

export type SettingsSource = { get(): Promise<AccountSettings> };

type Fetch = (
  url: string,
  init: { headers: Record<string, string>; signal: AbortSignal },
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/**
 * The instance's sign-up fields change only when the API is redeployed: one request per `ttlMs`
 * is plenty. A failed refresh keeps serving the last answer (a page with yesterday's fields beats
 * no page); with no answer at all, one quick retry, then SettingsUnavailable for a 503 page.
 */
export function createSettingsSource(deps: { apiUrl: string; fetch?: Fetch; ttlMs?: number; now?: () => number }): SettingsSource {
  const url = new URL("/account/settings", deps.apiUrl).href;
  const fetchJson = deps.fetch ?? (globalThis.fetch as unknown as Fetch);
  const ttlMs = deps.ttlMs ?? 30_000;
  const now = deps.now ?? Date.now;
  let cached: { value: AccountSettings; at: number } | undefined;
  let inFlight: Promise<AccountSettings> | undefined;

  async function load(): Promise<AccountSettings> {
    const response = await fetchJson(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
    return settingsSchema.parse(await response.json());
  }

  async function refresh(): Promise<AccountSettings> {
    let lastError: unknown;
    for (const delayMs of cached ? [0] : [0, 250]) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      try {
        const value = await load();
        cached = { value, at: now() };
        return value;
      } catch (error) {
        lastError = error;
      }
    }
    if (cached) return cached.value;
    throw new SettingsUnavailable(`the API's sign-up settings are unavailable: ${(lastError as Error).message}`);
  }

  return {
    async get() {
      if (cached && now() - cached.at < ttlMs) return cached.value;
      // Concurrent page views share one request instead of each asking the API.
      inFlight ??= refresh().finally(() => (inFlight = undefined));
      return inFlight;
    },
  };
}
