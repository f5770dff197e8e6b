/**
 * APP_URL with the completion token added (keeping APP_URL's own query). APP_URL may be a path
 * on this site ("/", "/welcome?x=1"): then the answer stays relative, for a same-site redirect.
 */
export function withCompletionToken(appUrl: string, token: string): string {
  const absolute = /^https?:/.test(appUrl);
  const url = new URL(appUrl, "http://relative.invalid");
  url.searchParams.set("completion_token", token);
  return absolute ? url.href : `${url.pathname}${url.search}${url.hash}`;
}
