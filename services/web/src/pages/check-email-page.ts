import { html } from "@signup/html";
import type { AccountSettings } from "../account-settings.ts";
import { page, type PageContext } from "./page.ts";
import { phoneStep } from "./phone-step.ts";

/** What is left to prove, as this server learnt it from its own (cookie) sign-up. */
export type Steps = { emailPending: boolean; phone: { masked: string; pending: boolean } | null };

export type CheckEmailState = {
  email?: string;
  resendCooldownSeconds: number;
  /** This browser's sign-up is held by this server (no-JavaScript path): app.js leaves the forms alone. */
  serverSession: boolean;
  error?: string;
  resent?: boolean;
  /** No sign-up to act on: say so and link back to the form. */
  restart?: boolean;
  /** Whether the instance asks for a phone number: the page then carries the SMS step. */
  phoneField: AccountSettings["fields"]["phoneNumber"];
  /** Known for a server-held sign-up; without it, check-email.js asks the API and shows the right parts. */
  steps?: Steps;
  /** Said once one half is proved: what is left. */
  notice?: string;
  phone?: { error?: string; resent?: boolean };
};

/** "email", "phone" or both: from the sign-up when known, else from what the instance asks for. */
export function checkPageTitle(state: Pick<CheckEmailState, "steps" | "phoneField">): string {
  const email = state.steps ? state.steps.emailPending : true;
  const phone = state.steps ? Boolean(state.steps.phone?.pending) : state.phoneField === "required";
  return email && phone ? "Check your email and phone" : phone ? "Check your phone" : "Check your email";
}

/**
 * After sign-up: where to look, the typed-code form and a resend button with its cooldown, and,
 * when the sign-up has a phone number, the same for the SMS. The forms post to this site; with
 * JavaScript, app.js runs the magic-link flow (the page moves on by itself once the link is used
 * elsewhere and every code is typed) and sends the forms through the SDK.
 */
export function checkEmailPage(ctx: PageContext, state: CheckEmailState): string {
  const email = state.email ?? "";
  const cooldown = state.resendCooldownSeconds;
  const title = checkPageTitle(state);
  // Hidden only when the number alone is left (a ticket proved the address, or the mail's code was typed).
  const emailVisible = state.steps ? state.steps.emailPending || !state.steps.phone?.pending : true;
  return page(
    ctx,
    title,
    html`<h1 id="check-title">${title}</h1>
<div class="alert" role="alert" id="restart"${state.restart ? "" : html` hidden`}>We cannot find your sign-up in this browser. <a href="/signup">Start again</a>.</div>
<div id="check-email" data-server-session="${state.serverSession ? "true" : "false"}" class="stack">
<p role="status" id="step-status"${state.notice ? "" : html` hidden`}>${state.notice ?? ""}</p>
<section id="email-step" class="stack" aria-label="Your email address"${emailVisible ? "" : html` hidden`}>
${email ? html`<p>We sent a link and a code to <strong>${email}</strong>. Open the link, or type the code here.</p>` : html`<p>We sent you a mail with a link and a 6-digit code. Open the link, or type the code here.</p>`}
<p role="status" id="link-status" class="muted" hidden></p>
<form method="post" action="/signup/check-email/code" class="stack" id="code-form" novalidate data-enhance="code">
<div class="alert" role="alert" id="code-alert"${state.error ? "" : html` hidden`}>${state.error ?? ""}</div>
<input type="hidden" name="email" value="${email}">
<div class="field">
<label for="code">Verification code</label>
<input id="code" name="code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" required aria-describedby="code-hint code-error">
<p class="hint" id="code-hint">Six digits, from the same mail as the link.</p>
<p class="error" id="code-error" data-error-for="code"></p>
</div>
<button type="submit" class="primary">Verify</button>
</form>
${
  state.serverSession
    ? html`<form method="post" action="/signup/check-email/continue" class="stack" id="continue-form">
<p class="muted">Opened the link on this or another device? Continue from here.</p>
<button type="submit" class="secondary">I have opened the link</button>
</form>`
    : ""
}
<form method="post" action="/signup/check-email/resend" class="resend" data-enhance="resend" data-cooldown="${cooldown}"${state.resent ? html` data-started="true"` : ""}>
<input type="hidden" name="email" value="${email}">
<p role="status" id="resend-status" class="muted">${state.resent ? `If the address needs verifying, a new mail is on its way. You can ask again in ${cooldown} seconds.` : "No mail? Check your spam folder, or ask for a new one."}</p>
<button type="submit" class="secondary">Send a new mail</button>
</form>
</section>
${
  state.phoneField === "off" && !state.steps?.phone
    ? ""
    : phoneStep({
        email,
        resendCooldownSeconds: cooldown,
        visible: Boolean(state.steps?.phone?.pending),
        ...(state.steps?.phone ? { masked: state.steps.phone.masked } : {}),
        ...state.phone,
      })
}
</div>`,
  );
}
