import type postgres from "postgres";
import type { CapturedMail } from "@signup/local-infra";
import { isVerificationMail } from "./load.ts";

/**
 * What can be wrong with one accepted address:
 * - lost: a step never happened (no user, not at the IdP, no mail, not verified, not onboarded, not in its team);
 * - duplicated: a step happened twice (two users, two IdP entries, two onboardings, an audit entry twice);
 * - audit gap: a step happened without its audit entry (a mail received with no `verification.sent`);
 * - unexpected: a state nothing asked for (a team membership without an invite).
 */
export type ProblemCategory = "lost" | "duplicated" | "audit_gap" | "unexpected";
export type Problem = { category: ProblemCategory; kind: string; detail?: string };

export type AddressCheck = { email: string; userId: string | undefined; invited: boolean; verificationMails: number; problems: Problem[] };

export type SetCheckResult = {
  checks: AddressCheck[];
  passed: number;
  failed: number;
  /** Addresses with at least one problem of the category, and per kind how many addresses have it. */
  byCategory: Record<ProblemCategory, { addresses: number; byKind: Map<string, number> }>;
  extraMails: { mails: number; addresses: number };
  /** The audit trail of a few failing addresses, for the report. */
  trails: Map<string, string[]>;
};

const trailActions = ["user.registered", "user.provisioned", "verification.sent", "user.email_verified", "user.onboarded", "team.member_joined"];
const onceActions = ["user.registered", "user.provisioned", "user.email_verified", "user.onboarded"] as const;

const stripId = (id: string | null | undefined) => (id ?? "").replace(/^<|>$/g, "").toLowerCase();

function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

type UserRow = { id: string; email: string; status: string; email_verified_at: Date | null; idp_status: string; idp_internal_id: string | null };
type DirectoryRow = { internal_id: string; external_id: string; email: string };
type AuditRow = { user_id: string | null; action: string; message_id: string | null };
type MemberRow = { user_id: string; team_id: string };

/** Checks every accepted address against the database and the mails the sink captured. */
export async function checkSet(options: {
  sql: postgres.Sql;
  accepted: readonly string[];
  invited: ReadonlySet<string>;
  teamId: string;
  mails: readonly CapturedMail[];
}): Promise<SetCheckResult> {
  const { sql } = options;
  const emails = options.accepted.map((email) => email.toLowerCase());

  const users = await sql<UserRow[]>`
    select id, lower(email) as email, status, email_verified_at, idp_status, idp_internal_id
    from users where lower(email) = any(${emails}::text[])`;
  const userIds = users.map((u) => u.id);
  const directory = await sql<DirectoryRow[]>`
    select internal_id::text, external_id, lower(email) as email from local_directory
    where lower(email) = any(${emails}::text[]) or external_id = any(${userIds}::text[])`;
  const audit = await sql<AuditRow[]>`
    select user_id, action, data->>'messageId' as message_id from audit_log
    where user_id = any(${userIds}::uuid[]) and action = any(${trailActions}::text[])`;
  const verificationMails = options.mails.filter(isVerificationMail);
  const receivedIds = [...new Set(verificationMails.map((mail) => stripId(mail.messageId)))].filter(Boolean);
  // A verification.sent entry is matched to its mail by Message-ID, whatever user it names.
  const sentByMessage = await sql<AuditRow[]>`
    select user_id, action, data->>'messageId' as message_id from audit_log
    where action = 'verification.sent' and lower(trim(both '<>' from data->>'messageId')) = any(${receivedIds}::text[])`;
  const members = await sql<MemberRow[]>`select user_id, team_id from team_members where user_id = any(${userIds}::uuid[])`;

  const usersByEmail = groupBy(users, (u) => u.email);
  const directoryByExternal = groupBy(directory, (d) => d.external_id);
  const directoryByEmail = groupBy(directory, (d) => d.email);
  const auditByUser = groupBy(audit, (a) => a.user_id ?? "");
  const sentEntriesByMessage = groupBy(sentByMessage, (a) => stripId(a.message_id));
  const membersByUser = groupBy(members, (m) => m.user_id);
  const mailsByAddress = groupBy(verificationMails, (mail) => (mail.to[0] ?? "").toLowerCase());

  const checks: AddressCheck[] = emails.map((email) => {
    const problems: Problem[] = [];
    const add = (category: ProblemCategory, kind: string, detail?: string) => problems.push({ category, kind, ...(detail ? { detail } : {}) });
    const invited = options.invited.has(email);
    const mails = mailsByAddress.get(email) ?? [];
    if (mails.length === 0) add("lost", "verification mail", "no verification mail reached the sink");

    const found = usersByEmail.get(email) ?? [];
    if (found.length > 1) add("duplicated", "users", `${found.length} users`);
    const user = found[0];
    if (!user) {
      add("lost", "user", "accepted (202) but no user row");
      return { email, userId: undefined, invited, verificationMails: mails.length, problems };
    }

    const idpEntries = directoryByExternal.get(user.id) ?? [];
    const strangers = (directoryByEmail.get(email) ?? []).filter((d) => d.external_id !== user.id && !found.some((u) => u.id === d.external_id));
    if (idpEntries.length + strangers.length > 1) add("duplicated", "idp", `${idpEntries.length + strangers.length} IdP entries for the address`);
    const entry = idpEntries[0];
    if (!entry) add("lost", "idp", `no local_directory entry with external_id = ${user.id} (idp_status ${user.idp_status})`);
    else if (user.idp_status !== "provisioned" || user.idp_internal_id !== entry.internal_id) {
      add("lost", "idp status", `idp_status ${user.idp_status}, idp_internal_id ${user.idp_internal_id} vs directory ${entry.internal_id}`);
    }

    if (user.status !== "active" || !user.email_verified_at)
      add("lost", "verified", `status ${user.status}, email_verified_at ${user.email_verified_at?.toISOString() ?? "null"}`);

    const trail = auditByUser.get(user.id) ?? [];
    const count = (action: string) => trail.filter((a) => a.action === action).length;
    const stateOf: Record<(typeof onceActions)[number], boolean> = {
      "user.registered": true,
      "user.provisioned": Boolean(entry),
      "user.email_verified": Boolean(user.email_verified_at),
      // Being onboarded is known only from its audit entry.
      "user.onboarded": false,
    };
    for (const action of onceActions) {
      const n = count(action);
      if (n > 1) add("duplicated", action, `${n} × ${action}`);
      else if (n === 0 && stateOf[action]) add("audit_gap", action, `the state is there, no ${action} entry`);
    }
    if (count("user.onboarded") === 0) add("lost", "onboarded", "no user.onboarded entry");

    const teams = (membersByUser.get(user.id) ?? []).filter((m) => m.team_id === options.teamId);
    const joined = count("team.member_joined");
    if (invited) {
      if (teams.length === 0) add("lost", "team member", "invited, but not a member of the team");
      if (joined > 1) add("duplicated", "team.member_joined", `${joined} × team.member_joined`);
      else if (joined === 0 && teams.length > 0) add("audit_gap", "team.member_joined", "a member without a team.member_joined entry");
    } else if (teams.length > 0) {
      add("unexpected", "team member", "a member of the team without an invite");
    }

    // Mails folded by Message-ID (a resend of the same event carries the same one): each mail that
    // was received needs its entry, once, and each entry its mail.
    const received = new Set(mails.map((mail) => stripId(mail.messageId)));
    const ownEntries = trail.filter((a) => a.action === "verification.sent").map((a) => stripId(a.message_id));
    for (const id of received) {
      const entries = sentEntriesByMessage.get(id) ?? [];
      if (entries.length === 0) add("audit_gap", "mail without verification.sent", `mail ${id}`);
      if (entries.length > 1) add("duplicated", "verification.sent", `${entries.length} entries for mail ${id}`);
    }
    for (const id of new Set(ownEntries)) if (!received.has(id)) add("audit_gap", "verification.sent without mail", `entry for ${id}, no such mail received`);
    return { email, userId: user.id, invited, verificationMails: mails.length, problems };
  });

  const byCategory = Object.fromEntries(
    (["lost", "duplicated", "audit_gap", "unexpected"] as const).map((category) => {
      const byKind = new Map<string, number>();
      let addresses = 0;
      for (const check of checks) {
        const kinds = new Set(check.problems.filter((p) => p.category === category).map((p) => p.kind));
        if (kinds.size > 0) addresses++;
        for (const kind of kinds) byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
      }
      return [category, { addresses, byKind }];
    }),
  ) as SetCheckResult["byCategory"];

  const failing = checks.filter((check) => check.problems.length > 0);
  const trails = new Map<string, string[]>();
  const sampleIds = failing
    .slice(0, 10)
    .map((check) => check.userId)
    .filter((id): id is string => id !== undefined);
  if (sampleIds.length > 0) {
    const rows = await sql<Array<{ user_id: string; at: Date; actor: string; action: string; event_id: string | null; data: unknown }>>`
      select user_id, at, actor, action, event_id, data from audit_log where user_id = any(${sampleIds}::uuid[]) order by id`;
    for (const row of rows) {
      const list = trails.get(row.user_id) ?? [];
      list.push(`${row.at.toISOString()} ${row.actor} ${row.action} event ${row.event_id ?? "-"} ${JSON.stringify(row.data)}`);
      trails.set(row.user_id, list);
    }
  }

  const extra = checks.filter((check) => check.verificationMails > 1);
  return {
    checks,
    passed: checks.length - failing.length,
    failed: failing.length,
    byCategory,
    extraMails: { mails: extra.reduce((sum, check) => sum + check.verificationMails - 1, 0), addresses: extra.length },
    trails,
  };
}
