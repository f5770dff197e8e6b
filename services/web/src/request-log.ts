/**
 * The web's URLs carry an address (/signup/check-email?email=), a completion token
 * (/?completion_token=) and an invitation's ticket (/signup?ticket=) in their query: request logs
 * keep the path only.
 */
export const requestLogSerializers = {
  req: (req: { method?: string; url?: string; ip?: string }) => ({ method: req.method, url: (req.url ?? "").split(/[?#]/)[0], remoteAddress: req.ip }),
};
