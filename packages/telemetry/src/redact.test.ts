import { SpanStatusCode } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { RedactingSpanProcessor, redactUrlValue } from "./redact.ts";

describe("spans on their way out", () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new RedactingSpanProcessor(), new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer("t");
  const secrets = ["tok_9f8e7d6c5b4a", "468952", "ada.lovelace@example.com", "ada.lovelace%40example.com", "+442079460958", "+44 20 7946 0958", "hunter22"];

  it("carry no token, code, password, address or phone number, whoever recorded them", () => {
    const span = tracer.startSpan("POST /account/verify/tok_9f8e7d6c5b4a", {
      attributes: {
        // What fastify's and undici's instrumentations record from the raw URL.
        "url.path": "/account/verify/tok_9f8e7d6c5b4a?next=%2Fdone",
        "url.full": "https://idp.example.com/scim/v2/Users?filter=userName%20eq%20%22ada.lovelace%40example.com%22",
        "url.query": "?email=ada.lovelace@example.com&code=468952",
        "http.request.header.authorization": ["Bearer tok_9f8e7d6c5b4a"],
        "user.email": "ada.lovelace@example.com",
        "signup.phone_number": "+442079460958",
        "db.query.params": '["hunter22"]',
        note: "texted +44 20 7946 0958, mailed ada.lovelace@example.com",
        // What must stay: ids, routes, status codes.
        "http.route": "/account/verify/:token",
        "http.response.status_code": 303,
        "signup.event.id": "6a0c7d52-1f0e-4c57-9d0b-2a4f3e6b8c19",
      },
    });
    span.recordException(new Error("IdP answered 409: ada.lovelace@example.com already exists"));
    span.setStatus({ code: SpanStatusCode.ERROR, message: "no account for ada.lovelace@example.com" });
    span.end();

    const [out] = exporter.getFinishedSpans();
    const text = JSON.stringify({ name: out!.name, attributes: out!.attributes, events: out!.events, status: out!.status });
    for (const secret of secrets) expect(text, secret).not.toContain(secret);
    expect(out!.attributes).toMatchObject({
      "url.path": "/account/verify/[redacted]?next=[redacted]",
      "url.full": "https://idp.example.com/scim/v2/Users?filter=[redacted]",
      "user.email": "[redacted]",
      "http.route": "/account/verify/:token",
      "http.response.status_code": 303,
      "signup.event.id": "6a0c7d52-1f0e-4c57-9d0b-2a4f3e6b8c19",
    });
    expect(out!.status).toEqual({ code: SpanStatusCode.ERROR, message: "no account for [email]" });
    expect(out!.name).toBe("POST /account/verify/[redacted]");
  });

  it("keep URLs without secrets as they are", () => {
    expect(redactUrlValue("/v1/sign-ups/6a0c7d52-1f0e-4c57-9d0b-2a4f3e6b8c19")).toBe("/v1/sign-ups/6a0c7d52-1f0e-4c57-9d0b-2a4f3e6b8c19");
    expect(redactUrlValue("/account/register")).toBe("/account/register");
    expect(redactUrlValue("POST /account/verify/:token")).toBe("POST /account/verify/:token");
  });
});
