import type { FieldError } from "@signup/client";
import { html } from "@signup/html";
import type { AccountSettings, FieldName } from "../account-settings.ts";
import type { FormValues } from "../form-fields.ts";
import { page, type PageContext } from "./page.ts";

type InputSpec = { label: string; type: string; autocomplete: string; hint?: (settings: AccountSettings) => string };

const inputs: Record<FieldName, InputSpec> = {
  email: { label: "Email address", type: "email", autocomplete: "email" },
  phoneNumber: { label: "Phone number", type: "tel", autocomplete: "tel", hint: () => "International format, e.g. +44 20 7946 0958" },
  password: {
    label: "Password",
    type: "password",
    autocomplete: "new-password",
    hint: (s) => `${s.password?.minLength ?? 8} to ${s.password?.maxLength ?? 128} characters.`,
  },
  username: { label: "Username", type: "text", autocomplete: "username", hint: () => "3 to 64 letters, digits, dots, dashes or underscores." },
  firstName: { label: "First name", type: "text", autocomplete: "given-name" },
  lastName: { label: "Last name", type: "text", autocomplete: "family-name" },
};
const order: FieldName[] = ["email", "phoneNumber", "firstName", "lastName", "username", "password"];

/**
 * A sign-up by invitation. The API never says which address a ticket is for, so the page cannot
 * show it: the ticket supplies (and proves) it when the sign-up is created. Once the ticket is
 * spent, a second submit continues that sign-up instead of creating another.
 */
export type Invitation = { ticket: string } | { continuing: true };

export type SignupPageState = { values?: FormValues; errors?: readonly FieldError[]; message?: string; invitation?: Invitation };

function row(name: FieldName, settings: AccountSettings, state: SignupPageState) {
  const spec = inputs[name];
  const required = settings.fields[name] === "required";
  const error = state.errors?.find((e) => e.field === name);
  const hint = spec.hint?.(settings);
  const describedBy = [hint ? `${name}-hint` : "", `${name}-error`].filter(Boolean).join(" ");
  const lengths = name === "password" && settings.password ? html` minlength="${settings.password.minLength}" maxlength="${settings.password.maxLength}"` : "";
  // The password is never sent back into the page, not even after an error.
  const value = name === "password" ? "" : (state.values?.[name] ?? "");
  return html`<div class="field${error ? " invalid" : ""}">
<label for="${name}">${spec.label}${required ? "" : html` <span class="muted">(optional)</span>`}</label>
${hint ? html`<p class="hint" id="${name}-hint">${hint}</p>` : ""}
<input id="${name}" name="${name}" type="${spec.type}" autocomplete="${spec.autocomplete}"${required ? html` required` : ""}${lengths} value="${value}" aria-describedby="${describedBy}"${error ? html` aria-invalid="true"` : ""}>
<p class="error" id="${name}-error" data-error-for="${name}">${error?.message ?? ""}</p>
</div>`;
}

/** In place of the address input: what the person is signing up with, and why it is fixed. */
function invitedAddress(invitation: Invitation) {
  const hidden =
    "ticket" in invitation
      ? html`<input type="hidden" name="ticket" value="${invitation.ticket}">`
      : html`<input type="hidden" name="invited" value="continue">`;
  return html`${hidden}
<div class="field">
<p id="invited-email"><strong>Email address:</strong> the address you were invited with</p>
<p class="hint">Your invitation proves it, so it cannot be changed here and there is no mail to confirm.</p>
</div>`;
}

/**
 * The sign-up form, built from the instance's settings. It works as a plain form post (this site
 * calls the API and answers with this page and the errors beside the fields); app.js checks the
 * fields first and calls the API from the browser instead.
 */
export function signupPage(ctx: PageContext, settings: AccountSettings, state: SignupPageState = {}): string {
  const invitation = state.invitation;
  const shown = order.filter((name) => settings.fields[name] !== "off" && !(invitation && name === "email"));
  const general = state.errors?.filter((e) => !shown.includes(e.field as FieldName)) ?? [];
  const summary =
    state.message ?? (general.length > 0 ? general.map((e) => e.message).join(" ") : state.errors?.length ? "Please correct the fields marked below." : "");
  const footer = invitation
    ? html`<p class="muted">Want to use another address? <a href="/signup">Sign up without the invitation</a>.</p>`
    : html`<p class="muted">Already signed up? <a href="/signup/check-email">Enter your code</a> or ask for a new mail there.</p>`;
  return page(
    ctx,
    invitation ? "Accept your invitation" : "Create your account",
    html`<h1>${invitation ? "Accept your invitation" : "Create your account"}</h1>
<form method="post" action="/signup" class="stack" id="signup-form" novalidate data-enhance="signup">
<div class="alert" role="alert" id="form-alert"${summary ? "" : html` hidden`}>${summary}</div>
${invitation ? invitedAddress(invitation) : ""}
${shown.map((name) => row(name, settings, state))}
<button type="submit" class="primary">Sign up</button>
</form>
${footer}`,
  );
}
