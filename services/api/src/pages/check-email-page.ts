import { html, layout } from "./html.ts";
import type { PageContext } from "./verify-pages.ts";

export type CheckEmailState = { email?: string; error?: string; resent?: boolean };

/** After sign-up: where to look, the typed-code form, and a resend button with its cooldown. */
export function checkEmailPage(ctx: PageContext & { resendCooldownSeconds: number }, state: CheckEmailState = {}): string {
  const email = state.email ?? "";
  return layout({
    title: "Check your email",
    productName: ctx.productName,
    body: html`<h1>Check your email</h1>
${email ? html`<p>We sent a link and a 6-digit code to <strong>${email}</strong>. Open the link, or type the code here.</p>` : html`<p>Type the 6-digit code from the mail we sent you.</p>`}
<form method="post" action="/account/verify" class="stack" id="code-form" novalidate data-enhance="code">
<div class="alert" role="alert" id="code-alert"${state.error ? "" : html` hidden`}>${state.error ?? ""}</div>
<div class="field"${email ? html` hidden` : ""}>
<label for="code-email">Email address</label>
<input id="code-email" name="email" type="email" autocomplete="email" required value="${email}">
</div>
<div class="field">
<label for="code">Verification code</label>
<input id="code" name="code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" required aria-describedby="code-hint">
<p class="hint" id="code-hint">Six digits, from the same mail as the link.</p>
</div>
<button type="submit" class="primary">Verify</button>
</form>
<form method="post" action="/account/verify/resend" class="resend" data-enhance="resend" data-cooldown="${ctx.resendCooldownSeconds}"${state.resent ? html` data-started="true"` : ""}>
${email ? html`<input type="hidden" name="email" value="${email}">` : html`<div class="field"><label for="resend-email">Email address</label><input id="resend-email" name="email" type="email" autocomplete="email" required></div>`}
<p role="status" id="resend-status" class="muted">${state.resent ? `If the address needs verifying, a new mail is on its way. You can ask again in ${ctx.resendCooldownSeconds} seconds.` : "No mail? Check your spam folder, or ask for a new one."}</p>
<button type="submit" class="secondary">Send a new mail</button>
</form>`,
  });
}

export function homePage(ctx: PageContext): string {
  return layout({
    title: "Welcome",
    productName: ctx.productName,
    body: html`<h1>${ctx.productName}</h1>
<p>This is where your app begins. New here? <a href="/signup">Create an account</a>.</p>`,
  });
}
