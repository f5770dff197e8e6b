import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, serviceNames } from "@signup/local-infra";
import { startTestSystem, waitUntil, type TestSystem } from "@signup/test";

/**
 * Issue 11: what `pnpm build` makes is what production runs: every service as
 * `node --conditions=production services/<name>/dist/main.js`, no TypeScript at run time. The
 * one-shot sign-up flows through the compiled services (pnpm test builds before it runs).
 */
describe("the compiled services", () => {
  let system: TestSystem;
  beforeAll(async () => {
    for (const name of serviceNames)
      expect(existsSync(join(repoRoot, "services", name, "dist", "main.js")), `services/${name}/dist/main.js (run pnpm build)`).toBe(true);
    system = await startTestSystem({ label: "compiled-services", env: { SERVICE_RUNTIME: "dist" } });
  });
  afterAll(async () => system?.stop());

  it("run from dist/ and carry a sign-up all the way", async () => {
    for (const service of system.stack.services.values()) {
      expect(service.process.spawnargs.join(" ")).toMatch(
        /--conditions=production --enable-source-maps --max-old-space-size=\d+ --max-semi-space-size=\d+ --import \S+\/infra\/local\/dist\/exit-with-supervisor\.js services\/\w+\/dist\/main\.js$/,
      );
    }
    const { api, smtp } = system;
    expect((await api.register({ email: "compiled@example.com" })).status).toBe(202);
    const mail = await smtp.waitForMail((m) => m.to.includes("compiled@example.com"));
    const link = /https?:\/\/\S+\/account\/verify\/[A-Za-z0-9_-]+/.exec(mail.text)![0];
    expect((await fetch(link, { method: "POST", redirect: "manual" })).status).toBe(303);
    const user = await waitUntil(
      async () => {
        const view = await api.admin("GET", "/admin/users?email=compiled@example.com");
        return view.json.timeline?.some((e: { action: string }) => e.action === "user.onboarded") && view.json.idp.status === "provisioned"
          ? view.json
          : undefined;
      },
      { timeoutMs: 20_000, what: "the compiled pipeline to finish" },
    );
    expect(user.status).toBe("active");
  });
});
