import { html } from "@signup/html";
import { page, type PageContext } from "./page.ts";

/**
 * Where the verify tab lands after the button. The tab the person signed up in is polling and
 * moves on by itself, so this one only has to say so (and offer the app for another device).
 */
export function verifiedPage(ctx: PageContext): string {
  return page(
    ctx,
    "Email address verified",
    html`<h1>Email address verified</h1>
<p role="status">Your address is verified. You can close this tab: the page where you signed up continues by itself.</p>
<p><a class="button primary" href="${ctx.appUrl}">Continue to ${ctx.productName}</a></p>`,
  );
}
