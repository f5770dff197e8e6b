/** One rule for every address we compare: invites and sign-ups must meet whatever the case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
