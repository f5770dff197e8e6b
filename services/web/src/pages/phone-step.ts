import { html } from "@signup/html";

export type PhoneStepState = {
  /** The masked number, when this server knows it; the script fills it in otherwise. */
  masked?: string;
  /** Shown at once (this server knows a number still needs proving); the script decides otherwise. */
  visible: boolean;
  email: string;
  resendCooldownSeconds: number;
  error?: string;
  resent?: boolean;
};

/**
 * The SMS half of the check page: the code form and "send a new code". Plain posts to this site;
 * with JavaScript, check-email.js sends them through the SDK. The resend shares the API's
 * cooldown (RESEND_COOLDOWN applies to texts as to mails).
 */
export function phoneStep(state: PhoneStepState) {
  const cooldown = state.resendCooldownSeconds;
  return html`<section id="phone-step" class="stack" aria-labelledby="phone-step-title"${state.visible ? "" : html` hidden`}>
<h2 id="phone-step-title">Your phone number</h2>
<p>We sent a code to <strong id="phone-number">${state.masked ?? "your phone"}</strong> by SMS.</p>
<form method="post" action="/signup/check-email/phone-code" class="stack" id="phone-code-form" novalidate data-enhance="phone-code">
<div class="alert" role="alert" id="phone-code-alert"${state.error ? "" : html` hidden`}>${state.error ?? ""}</div>
<input type="hidden" name="email" value="${state.email}">
<div class="field">
<label for="phone-code">Code from the SMS</label>
<input id="phone-code" name="code" data-rule="smsCode" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" autocomplete="one-time-code" required aria-describedby="phone-code-hint phone-code-error">
<p class="hint" id="phone-code-hint">Six digits, from the text message.</p>
<p class="error" id="phone-code-error" data-error-for="code"></p>
</div>
<button type="submit" class="primary">Verify number</button>
</form>
<form method="post" action="/signup/check-email/phone-resend" class="resend" data-enhance="phone-resend" data-cooldown="${cooldown}"${state.resent ? html` data-started="true"` : ""}>
<input type="hidden" name="email" value="${state.email}">
<p role="status" id="phone-resend-status" class="muted">${state.resent ? `If the number still needs verifying, a new code is on its way. You can ask again in ${cooldown} seconds.` : "No SMS? Check the number, or ask for a new code."}</p>
<button type="submit" class="secondary">Send a new code</button>
</form>
</section>`;
}
