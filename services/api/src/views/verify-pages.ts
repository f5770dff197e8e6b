import type { TokenState } from "../account/verify-token.ts";
import { escapeHtml, page } from "./html.ts";

/** The page a link opens: a button, because mail scanners prefetch GETs and must not verify. */
export function verifyPage(action: string): string {
  return page(
    "Verify your email address",
    `<h1>Verify your email address</h1>
<p>Press the button to confirm that this address is yours.</p>
<form method="post" action="${escapeHtml(action)}">
<button type="submit">Verify email address</button>
</form>`,
  );
}

const problems: Record<Exclude<TokenState, "valid">, { title: string; text: string }> = {
  token_invalid: { title: "This link is not valid", text: "Check that you opened the whole link from the latest mail." },
  token_expired: { title: "This link has expired", text: "Ask for a new verification mail from the sign-up page." },
  token_used: { title: "This link was already used", text: "Your address may already be verified; try signing in." },
};

export function tokenProblemPage(state: Exclude<TokenState, "valid">): string {
  const { title, text } = problems[state];
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(text)}</p>`);
}

export function verifiedPage(): string {
  return page("Email address verified", `<h1>Email address verified</h1>\n<p>Thank you. <a href="/">Continue to the app</a>.</p>`);
}
