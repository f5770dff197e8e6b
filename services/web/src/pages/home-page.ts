import { html } from "@signup/html";
import { page, type PageContext } from "./page.ts";

/**
 * Stands in for the adopter's app: the default APP_URL lands here. A real app would verify the
 * completion token (see the JWKS); this page only says the sign-up finished, and never shows it.
 */
export function homePage(ctx: PageContext, state: { signedUp: boolean }): string {
  const body = state.signedUp
    ? html`<h1>You are signed up</h1>
<p role="status">Welcome to ${ctx.productName}. This is where your app begins.</p>`
    : html`<h1>${ctx.productName}</h1>
<p>This is where your app begins. New here? <a href="/signup">Create an account</a>.</p>`;
  return page(ctx, state.signedUp ? "Signed up" : "Welcome", body);
}
