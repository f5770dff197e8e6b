/** A JSON answer as tests read it: field by field in assertions, shape unchecked. */
// biome-ignore lint/suspicious/noExplicitAny: the assertions that read it are the check
export type ApiJson = Record<string, any>;

/** A thin client for the API as a front-end and an operator see it. */
export function apiClient(apiUrl: string, adminToken: string) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      redirect: "manual",
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json: json as ApiJson };
  };
  const admin = { authorization: `Bearer ${adminToken}` };
  return {
    call,
    register: (body: unknown) => call("POST", "/account/register", body),
    admin: (method: string, path: string, body?: unknown) => call(method, path, body, admin),
  };
}
