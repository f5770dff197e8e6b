import type postgres from "postgres";
import { summarize, type Latency } from "./load/protocol.ts";

export type PipelineFigures = {
  completed: number;
  completedPerSecond: number;
  /** Seconds from the first user.registered to the last user.onboarded. */
  seconds: number;
  stages: { mailAfterAccept: Latency; provisionedAfterAccept: Latency; onboardedAfterVerify: Latency };
  lost: number;
  duplicated: number;
  /** A few examples of what went wrong, for the report. */
  problems: string[];
};

type Row = {
  email: string;
  users: number;
  verified: boolean;
  registered: number;
  provisioned: number;
  sent: number;
  email_verified: number;
  onboarded: number;
  teams: number;
  at_idp: number;
  mail_ms: number | null;
  provision_ms: number | null;
  onboard_ms: number | null;
  first_at: Date | null;
  done_at: Date | null;
};

/**
 * Per address, from the database alone: one user, its audit trail (user.registered,
 * user.provisioned, verification.sent, user.email_verified, user.onboarded) and team membership.
 * Stage latencies come from audit_log.at, so they are the pipeline's own clock, not the client's.
 * `idpCounts` (SCIM runs) says how many IdP users carry each of our user ids as externalId; for the
 * local IdP the local_directory table is counted instead.
 */
export async function checkPipeline(sql: postgres.Sql, emails: string[], invited: string[], idpCounts?: Map<string, number>): Promise<PipelineFigures> {
  const rows = await sql<Row[]>`
    with addr as (select unnest(${sql.array(emails)}::text[]) as email),
    u as (select users.* from users join addr on users.email_normalized = addr.email),
    a as (
      select user_id,
        count(*) filter (where action = 'user.registered')::int as registered,
        count(*) filter (where action = 'user.provisioned')::int as provisioned,
        count(*) filter (where action = 'verification.sent')::int as sent,
        count(*) filter (where action = 'user.email_verified')::int as email_verified,
        count(*) filter (where action = 'user.onboarded')::int as onboarded,
        min(at) filter (where action = 'user.registered') as registered_at,
        min(at) filter (where action = 'user.provisioned') as provisioned_at,
        min(at) filter (where action = 'verification.sent') as sent_at,
        min(at) filter (where action = 'user.email_verified') as verified_at,
        min(at) filter (where action = 'user.onboarded') as onboarded_at
      from audit_log where user_id in (select id from u)
        and action in ('user.registered', 'user.provisioned', 'verification.sent', 'user.email_verified', 'user.onboarded')
      group by user_id
    )
    select addr.email,
      count(u.id) over (partition by addr.email)::int as users,
      coalesce(u.status = 'active' and u.email_verified_at is not null, false) as verified,
      coalesce(a.registered, 0) as registered, coalesce(a.provisioned, 0) as provisioned, coalesce(a.sent, 0) as sent,
      coalesce(a.email_verified, 0) as email_verified, coalesce(a.onboarded, 0) as onboarded,
      (select count(*)::int from team_members m where m.user_id = u.id) as teams,
      (select count(*)::int from local_directory d where d.external_id = u.id::text) as at_idp,
      extract(epoch from a.sent_at - a.registered_at) * 1000 as mail_ms,
      extract(epoch from a.provisioned_at - a.registered_at) * 1000 as provision_ms,
      extract(epoch from a.onboarded_at - a.verified_at) * 1000 as onboard_ms,
      a.registered_at as first_at, a.onboarded_at as done_at
    from addr left join u on u.email_normalized = addr.email left join a on a.user_id = u.id`;
  const ids = idpCounts ? await sql<Array<{ email: string; id: string }>>`select email_normalized as email, id::text from users where email_normalized = any(${sql.array(emails)})` : [];
  const idByEmail = new Map(ids.map((row) => [row.email, row.id]));
  const invitedSet = new Set(invited);
  const problems: string[] = [];
  let lost = 0;
  let duplicated = 0;
  let completed = 0;
  let first = Infinity;
  let last = -Infinity;
  for (const row of rows) {
    const atIdp = idpCounts ? (idpCounts.get(idByEmail.get(row.email) ?? "") ?? 0) : row.at_idp;
    const expectedTeams = invitedSet.has(row.email) ? 1 : 0;
    const missing = [
      row.users === 0 && "no user",
      row.registered === 0 && "not registered",
      (row.provisioned === 0 || atIdp === 0) && "not provisioned",
      row.sent === 0 && "no mail",
      (!row.verified || row.email_verified === 0) && "not verified",
      row.onboarded === 0 && "not onboarded",
      row.teams < expectedTeams && "not in its team",
    ].filter(Boolean);
    const twice = [
      row.users > 1 && `${row.users} users`,
      row.registered > 1 && `registered ${row.registered}×`,
      row.provisioned > 1 && `provisioned ${row.provisioned}×`,
      atIdp > 1 && `${atIdp} IdP users`,
      row.email_verified > 1 && `verified ${row.email_verified}×`,
      row.onboarded > 1 && `onboarded ${row.onboarded}×`,
      row.teams > expectedTeams && `in ${row.teams} teams`,
    ].filter(Boolean);
    if (missing.length > 0) lost++;
    if (twice.length > 0) duplicated++;
    if (missing.length + twice.length > 0 && problems.length < 5) problems.push(`${row.email}: ${[...missing, ...twice].join(", ")}`);
    if (missing.length === 0 && twice.length === 0) completed++;
    if (row.first_at) first = Math.min(first, row.first_at.getTime());
    if (row.done_at) last = Math.max(last, row.done_at.getTime());
  }
  const seconds = Number.isFinite(first) && Number.isFinite(last) ? (last - first) / 1_000 : 0;
  const pick = (key: "mail_ms" | "provision_ms" | "onboard_ms") => summarize(rows.flatMap((row) => (row[key] === null ? [] : [Number(row[key])])));
  return {
    completed,
    completedPerSecond: seconds > 0 ? completed / seconds : 0,
    seconds,
    stages: { mailAfterAccept: pick("mail_ms"), provisionedAfterAccept: pick("provision_ms"), onboardedAfterVerify: pick("onboard_ms") },
    lost,
    duplicated,
    problems,
  };
}

/** Stage latencies at a steady load, with how many sign-ups they cover. */
export type SteadyStages = PipelineFigures["stages"] & { signUps: number };

/**
 * The stage latencies of every sign-up registered between the first and the last of `anchors`
 * (the rate run's first phase, the probe's own addresses): what a user waits for at a steady load,
 * where runs 2 and 3 measure a backlog draining. The window's addresses go through checkPipeline,
 * so the stages are measured the one way.
 */
export async function stagesDuring(sql: postgres.Sql, anchors: string[]): Promise<SteadyStages> {
  const rows = await sql<Array<{ email: string }>>`
    with win as (
      select min(a.at) as lo, max(a.at) as hi from audit_log a join users u on u.id = a.user_id
      where a.action = 'user.registered' and u.email_normalized = any(${sql.array(anchors)})
    )
    select u.email_normalized as email from audit_log a join users u on u.id = a.user_id, win
    where a.action = 'user.registered' and a.at between win.lo and win.hi`;
  const emails = rows.map((row) => row.email);
  const { stages } = await checkPipeline(sql, emails, []);
  return { signUps: emails.length, ...stages };
}

/** How far the pipeline has got, for the drain wait: users provisioned and onboarded so far. */
export async function pipelineProgress(sql: postgres.Sql): Promise<{ provisioned: number; onboarded: number }> {
  const [row] = await sql<Array<{ provisioned: number; onboarded: number }>>`
    select (select count(*)::int from users where idp_status = 'provisioned') as provisioned,
           (select count(*)::int from audit_log where action = 'user.onboarded') as onboarded`;
  return row ?? { provisioned: 0, onboarded: 0 };
}
