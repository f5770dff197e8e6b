import type { FieldError } from "../http-error.ts";
import type { FieldName, SignupFields } from "../account/signup-fields.ts";
import { passwordPolicy } from "../account/signup-fields.ts";
import { html, layout } from "./html.ts";
import type { PageContext } from "./verify-pages.ts";

const inputs: Record<FieldName, { label: string; type: string; autocomplete: string; hint?: string }> = {
  email: { label: "Email address", type: "email", autocomplete: "email" },
  password: { label: "Password", type: "password", autocomplete: "new-password", hint: `${passwordPolicy.minLength} to ${passwordPolicy.maxLength} characters.` },
  username: { label: "Username", type: "text", autocomplete: "username", hint: "3 to 64 letters, digits, dots, dashes or underscores." },
  firstName: { label: "First name", type: "text", autocomplete: "given-name" },
  lastName: { label: "Last name", type: "text", autocomplete: "family-name" },
};
const order: FieldName[] = ["email", "firstName", "lastName", "username", "password"];

export type SignupPageState = { values?: Partial<Record<FieldName, string>>; errors?: FieldError[]; message?: string };

/**
 * The sign-up form, built from the instance's field settings. It works without JavaScript (a plain
 * form post; the server answers with this page and the errors beside the fields); app.js adds
 * checks before sending and shows the API's field errors in place.
 */
export function signupPage(ctx: PageContext & { fields: SignupFields }, state: SignupPageState = {}): string {
  const errorFor = (name: string) => state.errors?.find((e) => e.field === name);
  const generalErrors = state.errors?.filter((e) => !order.includes(e.field as FieldName)) ?? [];
  const rows = order
    .filter((name) => ctx.fields[name] !== "off")
    .map((name) => {
      const spec = inputs[name];
      const required = ctx.fields[name] === "required";
      const error = errorFor(name);
      const describedBy = [spec.hint ? `${name}-hint` : "", `${name}-error`].filter(Boolean).join(" ");
      return html`<div class="field${error ? " invalid" : ""}">
<label for="${name}">${spec.label}${required ? "" : html` <span class="muted">(optional)</span>`}</label>
${spec.hint ? html`<p class="hint" id="${name}-hint">${spec.hint}</p>` : ""}
<input id="${name}" name="${name}" type="${spec.type}" autocomplete="${spec.autocomplete}"${required ? html` required` : ""}${name === "password" ? html` minlength="${passwordPolicy.minLength}" maxlength="${passwordPolicy.maxLength}"` : ""} value="${name === "password" ? "" : (state.values?.[name] ?? "")}" aria-describedby="${describedBy}"${error ? html` aria-invalid="true"` : ""}>
<p class="error" id="${name}-error" data-error-for="${name}">${error?.message ?? ""}</p>
</div>`;
    });
  const summary = state.message ?? (generalErrors.length > 0 ? generalErrors.map((e) => e.message).join(" ") : state.errors?.length ? "Please correct the fields marked below." : "");
  return layout({
    title: "Create your account",
    productName: ctx.productName,
    body: html`<h1>Create your account</h1>
<form method="post" action="/account/register" class="stack" id="signup-form" novalidate data-enhance="signup">
<div class="alert" role="alert" id="form-alert"${summary ? "" : html` hidden`}>${summary}</div>
${rows}
<button type="submit" class="primary">Sign up</button>
</form>
<p class="muted">Already signed up? <a href="/signup/check-email">Enter your code</a> or ask for a new mail there.</p>`,
  });
}
