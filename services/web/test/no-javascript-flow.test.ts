import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@signup/logger";
import { startTestSystem, type TestSystem } from "@signup/test";
import { buildWebApp } from "../src/app.ts";
import { clientBundlePath } from "../src/client-bundle.ts";
import { codeFromMail, jwtClaims, postForm, sessionCookie, textById } from "./support.ts";

/** The web's plain form posts, against a real API, relay and mailer: what a browser without JavaScript gets. */
describe("the web front-end without JavaScript", () => {
  let system: TestSystem;
  let web: FastifyInstance;

  beforeAll(async () => {
    system = await startTestSystem({
      label: "web-no-javascript",
      only: ["api", "relay", "mailer"],
      web: false,
      env: { SIGNUP_FIELDS: "email:required,password:required,firstName:optional", PRODUCT_NAME: "Acme" },
    });
    web = await buildWebApp({
      logger: createLogger({ name: "web", level: "silent" }),
      apiUrl: system.stack.apiUrl,
      appUrl: "/",
      productName: "Acme",
      clientBundlePath: clientBundlePath(),
    });
  });
  afterAll(async () => {
    await web?.close();
    await system?.stop();
  });

  it("builds the form from the API's settings, with the page headers", async () => {
    const page = await web.inject("/signup");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="email"');
    expect(page.body).toContain('name="password"');
    expect(page.body).toContain('name="firstName"');
    expect(page.body).not.toContain('name="username"');
    expect(page.body).toContain(`<meta name="signup-api-url" content="${system.stack.apiUrl}">`);
    expect(page.headers["content-security-policy"]).toContain(`connect-src 'self' ${system.stack.apiUrl}`);
    expect(page.headers["referrer-policy"]).toBe("no-referrer");
    expect(page.headers["cache-control"]).toBe("no-store");

    const sdk = await web.inject("/assets/signup-client.js");
    expect(sdk.statusCode).toBe(200);
    expect(sdk.headers["content-type"]).toContain("javascript");
    expect(sdk.body).toContain("createSignUpClient");
    expect((await web.inject("/assets/app.css")).statusCode).toBe(200);
  });

  it("puts the API's field errors beside the fields and never echoes the password", async () => {
    const page = await postForm(web, "/signup", { email: "still wrong", password: "tiny", firstName: "Ada" });
    expect(page.statusCode).toBe(400);
    expect(textById(page.body, "email-error")).toBe("Enter a valid email address.");
    expect(textById(page.body, "password-error")).toBe("Use at least 8 characters.");
    expect(page.body).toContain('value="still wrong"');
    expect(page.body).toContain('value="Ada"');
    expect(page.body).not.toContain("tiny");

    const blank = await postForm(web, "/signup", { email: "blank.password@example.com", password: "" });
    expect(blank.statusCode).toBe(400);
    expect(textById(blank.body, "password-error")).toBe("Fill this in.");
  });

  it("signs up, takes a wrong code, then the right one, and lands on the app with a completion token", async () => {
    const address = "plain.form@example.com";
    const created = await postForm(web, "/signup", { email: address, password: "a long enough password", firstName: "Ada" });
    expect(created.statusCode).toBe(303);
    expect(created.headers.location).toBe(`/signup/check-email?email=${encodeURIComponent(address)}`);
    const set = created.cookies.find((c) => c.name === "signup_session");
    expect(set).toMatchObject({ path: "/signup", httpOnly: true, sameSite: "Lax" });
    expect(set?.secure).toBeFalsy();
    const cookie = sessionCookie(created);

    const page = await web.inject({ url: created.headers.location as string, headers: { cookie } });
    expect(page.body).toContain(`We sent a link and a code to <strong>${address}</strong>`);
    expect(page.body).toContain('data-server-session="true"');

    const { code } = await codeFromMail(system.smtp, address);
    const wrong = await postForm(web, "/signup/check-email/code", { email: address, code: code === "000000" ? "111111" : "000000" }, cookie);
    expect(wrong.statusCode).toBe(422);
    expect(textById(wrong.body, "code-alert")).toContain("That code is not right");

    const right = await postForm(web, "/signup/check-email/code", { email: address, code }, cookie);
    expect(right.statusCode).toBe(303);
    const landing = new URL(right.headers.location as string, "http://web.test");
    expect(landing.pathname).toBe("/");
    const token = landing.searchParams.get("completion_token") ?? "";
    expect(jwtClaims(token)).toMatchObject({ iss: system.stack.apiUrl, email: address });
    expect(right.cookies.find((c) => c.name === "signup_session")?.value).toBe("");

    const home = await web.inject(landing.pathname + landing.search);
    expect(home.body).toContain("You are signed up");
    expect(home.body).not.toContain(token);
  });

  it("continues after the link was used elsewhere, once the person says so", async () => {
    const address = "link.elsewhere@example.com";
    const created = await postForm(web, "/signup", { email: address, password: "a long enough password" });
    const cookie = sessionCookie(created);
    const early = await postForm(web, "/signup/check-email/continue", {}, cookie);
    expect(early.statusCode).toBe(409);
    expect(textById(early.body, "code-alert")).toContain("not verified yet");

    const { mail } = await codeFromMail(system.smtp, address);
    const link = /https?:\/\/\S+\/account\/verify\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0] ?? "";
    const pressed = await fetch(link, { method: "POST", redirect: "manual" });
    expect(pressed.status).toBe(303);

    const done = await postForm(web, "/signup/check-email/continue", {}, cookie);
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toMatch(/^\/\?completion_token=/);
  });

  it("sends a new mail on request and comes back to the page with the cooldown started", async () => {
    const address = "resend.form@example.com";
    const created = await postForm(web, "/signup", { email: address, password: "a long enough password" });
    const cookie = sessionCookie(created);
    await codeFromMail(system.smtp, address);
    const resent = await postForm(web, "/signup/check-email/resend", { email: address }, cookie);
    expect(resent.statusCode).toBe(303);
    expect(resent.headers.location).toBe(`/signup/check-email?email=${encodeURIComponent(address)}&resent=1`);
    const page = await web.inject({ url: resent.headers.location as string, headers: { cookie } });
    expect(page.body).toContain('data-started="true"');
    expect(textById(page.body, "resend-status")).toContain("a new mail is on its way");
  });

  it("asks to start again when there is no sign-up to act on", async () => {
    const noCookie = await postForm(web, "/signup/check-email/code", { code: "123456" });
    expect(noCookie.statusCode).toBe(400);
    expect(noCookie.body).toMatch(/id="restart"\s*>/);
    const forged = await postForm(
      web,
      "/signup/check-email/resend",
      {},
      `signup_session=${encodeURIComponent(JSON.stringify({ id: "nope", clientToken: "nope" }))}`,
    );
    expect(forged.statusCode).toBe(404);
    expect(forged.body).toMatch(/id="restart"\s*>/);
  });

  it("answers 503 with a way to try again when the API is unreachable", async () => {
    const offline = await buildWebApp({
      logger: createLogger({ name: "web", level: "silent" }),
      apiUrl: "http://127.0.0.1:9",
      appUrl: "/",
      productName: "Acme",
      clientBundlePath: clientBundlePath(),
    });
    const page = await offline.inject("/signup");
    await offline.close();
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain("Sign-up is unavailable right now");
    expect(page.body).toContain('href="/signup"');
  });
});
