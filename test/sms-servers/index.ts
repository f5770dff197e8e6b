// Local HTTP servers that follow each SMS provider's documented contract: the sms service's
// contract tests and end-to-end runs drive its adapters against these.
export * from "./twilio-server.ts";
