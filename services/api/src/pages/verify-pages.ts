import type { TokenFailure } from "../account/verify-token.ts";
import { html, layout as sharedLayout, type PageOptions } from "@signup/html";

/** The API's few pages (behind the links in mails) share the web's stylesheet and need no script. */
const layout = (options: Omit<PageOptions, "stylesheet">) => sharedLayout({ ...options, stylesheet: "/assets/app.css" });

export type PageContext = { productName: string; appUrl: string };

/** The page a link opens: a button, because mail scanners prefetch GETs and must not verify. */
export function verifyPage(ctx: PageContext, action: string): string {
  return layout({
    title: "Verify your email address",
    productName: ctx.productName,
    body: html`<h1>Verify your email address</h1>
<p>Press the button to confirm that this address is yours.</p>
<form method="post" action="${action}">
<button type="submit" class="primary">Verify email address</button>
</form>`,
  });
}

const problems: Record<TokenFailure, { title: string; text: string }> = {
  token_invalid: {
    title: "This link is not valid",
    text: "The link may be incomplete, or it was replaced by a newer mail. Open the latest mail, or get a new one below.",
  },
  token_expired: { title: "This link has expired", text: "Links work for a limited time. Get a new one below." },
  token_used: { title: "This link was already used", text: "Your address is probably verified already. If you still need to verify it, get a new link below." },
};

/** Every dead end offers the way out: a fresh mail to the address the person types. */
export function tokenProblemPage(ctx: PageContext, state: TokenFailure): string {
  const { title, text } = problems[state];
  return layout({
    title,
    productName: ctx.productName,
    body: html`<h1>${title}</h1>
<p>${text}</p>
<form method="post" action="/account/verify/resend" class="stack">
<div class="field">
<label for="email">Email address</label>
<input id="email" name="email" type="email" autocomplete="email" required>
</div>
<button type="submit" class="primary">Send me a new link</button>
</form>`,
  });
}

export function verifiedPage(ctx: PageContext): string {
  return layout({
    title: "Email address verified",
    productName: ctx.productName,
    refresh: { seconds: 3, url: ctx.appUrl },
    body: html`<h1>Email address verified</h1>
<p role="status">Thank you: your address is confirmed and your account is ready.</p>
<p><a class="button primary" href="${ctx.appUrl}">Continue to ${ctx.productName}</a></p>
<p class="muted">You will be taken there in a few seconds.</p>`,
  });
}

/** After the dead-link page's resend form: the same words whatever the address. */
export function resentPage(ctx: PageContext): string {
  return layout({
    title: "Check your email",
    productName: ctx.productName,
    body: html`<h1>Check your email</h1>
<p role="status">If the address needs verifying, a new mail with a link and a code is on its way.</p>`,
  });
}
