/** What we send every IdP: our user id travels as the IdP's external id. */
export type IdpUser = {
  externalId: string;
  email: string;
  username: string | null;
  firstName: string | null;
  lastName: string | null;
  displayName: string;
  /** The sign-up's custom fields (unsafeMetadata, validated by the API); {} when there are none. */
  metadata: Record<string, unknown>;
};

export type ProvisionResult = {
  /** The IdP's own id for the user, stored beside ours. */
  internalId: string;
  /** True when the user already existed at the IdP (a retry after a lost response, a 409). */
  adopted: boolean;
};

/** The user to remove: the IdP's own id, and ours (for a vendor that addresses users by it). */
export type IdpUserRef = { internalId: string; externalId: string };

export type DeprovisionResult = {
  /** "not_found": the IdP had no such user (404/410), which is as good as deleted. */
  outcome: "deleted" | "not_found";
};

/**
 * One per vendor. provision() must be idempotent: called again for the same externalId it finds
 * the user it created before and returns its id, so one sign-up never makes two IdP users.
 * deprovision() is idempotent by nature: a user already gone answers "not_found", not an error.
 * Errors: throw PermanentError for requests that cannot succeed (400/401/403/422), RetryLaterError
 * for rate limits (429 + Retry-After); anything else is retried with backoff.
 */
export type IdpAdapter = {
  name: string;
  provision(user: IdpUser): Promise<ProvisionResult>;
  deprovision(user: IdpUserRef): Promise<DeprovisionResult>;
};
