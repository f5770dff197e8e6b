import type { StorageLike } from "./types.ts";

export const STORAGE_KEY = "signup-pipeline:sign-up";

export type Session = { id: string; clientToken: string };
export type SessionStore = { load(): Session | null; save(session: Session): void; clear(): void };

/**
 * Web Storage throws in some places (Safari private mode's quota, sandboxed iframes, disabled
 * cookies); losing persistence there must not break the sign-up in the current page, so every
 * access is guarded and a failure means "not persisted".
 */
export function createSessionStore(storage: StorageLike | undefined): SessionStore {
  if (storage === undefined) return { load: () => null, save: () => {}, clear: () => {} };

  return {
    load() {
      try {
        const raw = storage.getItem(STORAGE_KEY);
        if (raw === null) return null;
        const session = parseSession(raw);
        // A value we cannot read (another version, hand-edited) would fail every call; drop it.
        if (session === null) storage.removeItem(STORAGE_KEY);
        return session;
      } catch {
        return null;
      }
    },
    save(session) {
      try {
        storage.setItem(STORAGE_KEY, JSON.stringify({ id: session.id, clientToken: session.clientToken }));
      } catch {
        // Not persisted; see above.
      }
    },
    clear() {
      try {
        storage.removeItem(STORAGE_KEY);
      } catch {
        // Nothing more to do.
      }
    },
  };
}

function parseSession(raw: string): Session | null {
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== "object" || value === null) return null;
    const { id, clientToken } = value as Record<string, unknown>;
    return typeof id === "string" && id !== "" && typeof clientToken === "string" && clientToken !== "" ? { id, clientToken } : null;
  } catch {
    return null;
  }
}
