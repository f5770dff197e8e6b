import { html } from "@signup/html";
import { page, type PageContext } from "./page.ts";

/** The API did not answer: say so plainly and offer the one thing that helps, trying again. */
export function unavailablePage(ctx: PageContext, retryPath: string): string {
  return page(
    ctx,
    "Sign-up is unavailable",
    html`<h1>Sign-up is unavailable right now</h1>
<div class="alert" role="alert">We could not reach the sign-up service. Nothing was sent or saved.</div>
<p>Please try again in a minute.</p>
<p><a class="button primary" href="${retryPath}">Try again</a></p>`,
  );
}
