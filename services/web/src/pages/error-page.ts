import { html } from "@signup/html";
import { page, type PageContext } from "./page.ts";

/** A page for the person, never a stack trace or a JSON error, whatever went wrong. */
export function errorPage(ctx: PageContext, kind: "not_found" | "failed"): string {
  return kind === "not_found"
    ? page(
        ctx,
        "Page not found",
        html`<h1>Page not found</h1>
<p>There is nothing at this address. <a href="/signup">Create an account</a> or go to the <a href="/">home page</a>.</p>`,
      )
    : page(
        ctx,
        "Something went wrong",
        html`<h1>Something went wrong</h1>
<div class="alert" role="alert">We could not handle that request. Please try again in a moment.</div>
<p><a href="/signup">Back to sign-up</a></p>`,
      );
}
