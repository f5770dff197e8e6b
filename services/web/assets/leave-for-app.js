// A complete sign-up goes to APP_URL with its completion token (as src/completion-url.ts builds it
// for plain posts); this tab's copy of the sign-up is done with.
export function leaveForApp(signUp, appUrl, completionToken) {
  signUp.clear();
  const target = new URL(appUrl, location.origin);
  target.searchParams.set("completion_token", completionToken);
  location.assign(target.href);
}
