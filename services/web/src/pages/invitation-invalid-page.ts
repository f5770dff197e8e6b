import { html } from "@signup/html";
import { page, type PageContext } from "./page.ts";

/**
 * The API refused the ticket (400 ticket_invalid). It gives one answer for a used, expired,
 * withdrawn or unknown ticket (no oracle), so the page cannot say which: it names them all and
 * offers the two ways forward.
 */
export function invitationInvalidPage(ctx: PageContext): string {
  return page(
    ctx,
    "Invitation link not valid",
    html`<h1>This invitation link is not valid any more</h1>
<div class="alert" role="alert">It has been used already, it has expired, or the invitation was withdrawn.</div>
<p>Ask the person who invited you for a new invitation, or sign up with your email address: once it is verified, you join each team whose invitation to it is still open.</p>
<p><a class="button primary" href="/signup">Sign up without the invitation</a></p>`,
  );
}
