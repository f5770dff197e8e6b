import { describe, expect, it } from "vitest";
import { createSettingsSource, SettingsUnavailable } from "./account-settings.ts";

const settings = {
  fields: { email: "required", password: "optional", username: "off", firstName: "optional", lastName: "off" },
  required: ["email"],
  optional: ["password", "firstName"],
  password: { minLength: 8, maxLength: 128 },
  resendCooldownSeconds: 60,
};

function fakeApi(answers: Array<"ok" | "fail">) {
  const calls: string[] = [];
  const fetch = async (url: string) => {
    calls.push(url);
    if (answers.shift() === "fail") throw new Error("connection refused");
    return { ok: true, status: 200, json: async () => settings };
  };
  return { calls, fetch };
}

describe("createSettingsSource", () => {
  it("asks the API once per TTL, shared by concurrent callers", async () => {
    let now = 0;
    const api = fakeApi(["ok", "ok"]);
    const source = createSettingsSource({ apiUrl: "http://api.test/base", fetch: api.fetch, ttlMs: 30_000, now: () => now });
    await Promise.all([source.get(), source.get()]);
    now = 29_000;
    expect((await source.get()).resendCooldownSeconds).toBe(60);
    expect(api.calls).toEqual(["http://api.test/account/settings"]);
    now = 31_000;
    await source.get();
    expect(api.calls).toHaveLength(2);
  });

  it("retries once, then reports the API unavailable", async () => {
    const api = fakeApi(["fail", "fail"]);
    const source = createSettingsSource({ apiUrl: "http://api.test", fetch: api.fetch });
    await expect(source.get()).rejects.toBeInstanceOf(SettingsUnavailable);
    expect(api.calls).toHaveLength(2);
  });

  it("recovers with the retry, and keeps the last answer when a refresh fails", async () => {
    let now = 0;
    const api = fakeApi(["fail", "ok", "fail"]);
    const source = createSettingsSource({ apiUrl: "http://api.test", fetch: api.fetch, ttlMs: 1_000, now: () => now });
    expect((await source.get()).fields.email).toBe("required");
    now = 5_000;
    expect((await source.get()).fields.password).toBe("optional");
    expect(api.calls).toHaveLength(3);
  });
});
