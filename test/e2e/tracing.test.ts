import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, waitUntil, type TestSystem } from "@signup/test";
import { startOtlpCollector, type CollectedSpan, type OtlpCollector } from "../support/otlp-collector.ts";

const SERVER = 2; // OTLP SpanKind
const CONSUMER = 5;

/**
 * The services as processes, exporting OTLP/HTTP JSON to an in-memory collector. One sign-up,
 * registered, mailed, verified through the link and onboarded, is two traces (the registration and
 * the verification), each whole from the API request through the outbox, the relay and every
 * queue; through the sign-up resource, verified by code, each request is the trace of what it
 * causes. No span points at a parent that
 * was never exported, and no address, token or code is in any span.
 */
describe("traces of a sign-up", () => {
  const email = "traced.person@example.com";
  const resourceEmail = "traced.resource@example.com";
  let collector: OtlpCollector;
  let system: TestSystem;
  const secrets: Array<[what: string, value: string]> = [];

  beforeAll(async () => {
    collector = await startOtlpCollector();
    system = await startTestSystem({
      label: "e2e-tracing",
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_BSP_SCHEDULE_DELAY: "200" },
    });
    const { api, smtp } = system;
    const onboarded = (address: string) =>
      waitUntil(
        async () => {
          const view = await api.admin("GET", `/admin/users?email=${address}`);
          return view.json.idp?.status === "provisioned" && view.json.timeline?.some((e: { action: string }) => e.action === "user.onboarded");
        },
        { timeoutMs: 20_000, what: `${address} to be provisioned and onboarded` },
      );

    // The one-shot sign-up, verified through the link's button.
    expect((await api.register({ email })).status).toBe(202);
    const mail = await smtp.waitForMail((m) => m.to.includes(email));
    const link = /https?:\/\/\S+\/account\/verify\/([A-Za-z0-9_-]+)/.exec(mail.text)!;
    secrets.push(
      ["address", email],
      ["address", encodeURIComponent(email)],
      ["token", link[1]!],
      ["code", /code on the sign-up page: (\d{6})/.exec(mail.text)![1]!],
    );
    expect((await fetch(link[0], { method: "POST", redirect: "manual" })).status).toBe(303);
    await onboarded(email);

    // The sign-up resource, verified by code.
    const created = await api.call("POST", "/v1/sign-ups", { emailAddress: resourceEmail });
    const auth = { authorization: `Bearer ${created.json.clientToken}` };
    await api.call("POST", `/v1/sign-ups/${created.json.id}/prepare-verification`, { strategy: "email_code" }, auth);
    const codeMail = await smtp.waitForMail((m) => m.to.includes(resourceEmail));
    const code = /code on the sign-up page: (\d{6})/.exec(codeMail.text)![1]!;
    secrets.push(["address", resourceEmail], ["client token", created.json.clientToken], ["code", code]);
    const done = await api.call("POST", `/v1/sign-ups/${created.json.id}/attempt-verification`, { strategy: "email_code", code }, auth);
    expect(done.json.status).toBe("complete");
    await onboarded(resourceEmail);

    // SIGTERM: each service's closers end with telemetry.shutdown(), which flushes its spans.
    await system.stack.stop();
  });
  afterAll(async () => {
    await system?.stop();
    await collector?.stop();
  });

  const apiRequest = (method: string, route: string) => {
    const found = collector.spans.filter(
      (s) => s.service === "api" && s.kind === SERVER && s.attributes["http.request.method"] === method && s.attributes["http.route"] === route,
    );
    expect(found, `${method} ${route}`).toHaveLength(1);
    return found[0]!;
  };
  const inTrace = (traceId: string) => collector.spans.filter((s) => s.traceId === traceId);
  const jobsIn = (traceId: string) =>
    inTrace(traceId)
      .filter((s) => s.kind === CONSUMER)
      .map((s) => `${s.service}: ${s.attributes["signup.event.type"]} ${s.attributes["signup.job.outcome"]}`)
      .sort();
  const servicesIn = (traceId: string) => new Set(inTrace(traceId).map((s) => s.service));

  it("is one trace from the register request through the relay, the provisioner and the mailer", () => {
    const register = apiRequest("POST", "/account/register");
    expect(register.parentSpanId).toBeUndefined();
    expect(register.name).toBe("POST /account/register");
    // Handler spans are named by route (fastify's own name would be the plugin chain's source text).
    expect(collector.spans.find((s) => s.parentSpanId === register.spanId)?.name).toBe("handler /account/register");
    expect(jobsIn(register.traceId)).toEqual(["mailer: EmailVerificationPrepared done", "provisioner: UserRegistered done"]);
    expect(servicesIn(register.traceId)).toEqual(new Set(["api", "relay", "provisioner", "mailer"]));
    // The relay's batch span links to the span that wrote each event it published.
    const batches = collector.spans.filter((s) => s.service === "relay" && s.name === "relay batch");
    expect(batches.some((b) => b.links.some((l) => l.traceId === register.traceId))).toBe(true);
  });

  it("makes the verification a trace of its own, through onboarding", () => {
    const register = apiRequest("POST", "/account/register");
    const verify = apiRequest("POST", "/account/verify/:token");
    expect(verify.traceId).not.toBe(register.traceId);
    expect(verify.name).toBe("POST /account/verify/:token");
    expect(verify.attributes["url.path"]).toBe("/account/verify/[redacted]");
    expect(jobsIn(verify.traceId)).toEqual(["onboarding: EmailVerified done"]);
    expect(servicesIn(verify.traceId)).toEqual(new Set(["api", "relay", "onboarding"]));
  });

  it("follows each request of the sign-up resource through the workers its events reach", () => {
    // The account is recorded (UserRegistered) once nothing required is missing: here, at create.
    expect(jobsIn(apiRequest("POST", "/v1/sign-ups").traceId)).toEqual(["provisioner: UserRegistered done"]);
    expect(jobsIn(apiRequest("POST", "/v1/sign-ups/:id/prepare-verification").traceId)).toEqual(["mailer: EmailVerificationPrepared done"]);
    const attempt = apiRequest("POST", "/v1/sign-ups/:id/attempt-verification");
    expect(jobsIn(attempt.traceId)).toEqual(["onboarding: EmailVerified done"]);
    expect(servicesIn(attempt.traceId)).toEqual(new Set(["api", "relay", "onboarding"]));
  });

  it("leaves probes and scrapes untraced", () => {
    expect(collector.spans.filter((s) => s.attributes["http.route"] === "/healthz")).toEqual([]);
  });

  it("has no span whose parent is missing from its trace", () => {
    const ids = new Set(collector.spans.map((s) => `${s.traceId}/${s.spanId}`));
    const orphans = collector.spans.filter((s) => s.parentSpanId !== undefined && !ids.has(`${s.traceId}/${s.parentSpanId}`));
    expect(orphans.map((s) => `${s.service}: ${s.name}`)).toEqual([]);
  });

  it("never carries an address, a token or a code", () => {
    expect(collector.spans.length).toBeGreaterThan(20);
    const texts = (span: CollectedSpan) => [
      span.name,
      span.status.message ?? "",
      ...[span.attributes, ...span.events.map((e) => e.attributes), ...span.links.map((l) => l.attributes)].flatMap((attributes) =>
        Object.values(attributes).map((v) => JSON.stringify(v)),
      ),
    ];
    for (const span of collector.spans) {
      for (const text of texts(span)) {
        for (const [what, secret] of secrets) {
          expect(text.toLowerCase().includes(secret.toLowerCase()), `the ${what} is in ${span.service}: ${span.name}: ${text}`).toBe(false);
        }
      }
    }
  });
});
