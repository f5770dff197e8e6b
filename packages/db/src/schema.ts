import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

/** Our id is the external_id the IdP gets, so a retried provisioning can always find its user. */
export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey(),
    email: text("email").notNull(),
    emailNormalized: text("email_normalized").notNull().unique(),
    username: text("username"),
    firstName: text("first_name"),
    lastName: text("last_name"),
    /** E.164, unique like the email address. */
    phoneNumber: text("phone_number").unique(),
    passwordHash: text("password_hash"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    status: text("status", { enum: ["pending", "active"] })
      .notNull()
      .default("pending"),
    emailVerifiedAt: timestamp("email_verified_at", { withTimezone: true }),
    idp: text("idp"),
    idpInternalId: text("idp_internal_id"),
    idpStatus: text("idp_status", { enum: ["pending", "provisioned", "failed"] })
      .notNull()
      .default("pending"),
    idpError: text("idp_error"),
    /**
     * When a mail to this address was last queued on request (sign-up, resend, a stranger's sign-up
     * attempt): every such mail is throttled against it, so nobody can mail-bomb an address.
     */
    lastMailRequestedAt: timestamp("last_mail_requested_at", { withTimezone: true }),
    /** The sign-up request's correlation id: every later step of this user's flow carries it. */
    correlationId: text("correlation_id").notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("users_username_unique").on(sql`lower(${t.username})`)],
);

/**
 * The sign-up resource (Clerk's SignUp): built up in steps by a front-end holding its client token
 * (stored hashed). It records a user once every required field is there, and completes when the
 * address is verified. Answers derive from this row alone, so a taken address looks like a new one.
 */
export const signUps = pgTable(
  "sign_ups",
  {
    id: uuid("id").primaryKey(),
    clientTokenHash: text("client_token_hash").notNull(),
    status: text("status", { enum: ["missing_requirements", "complete", "abandoned"] })
      .notNull()
      .default("missing_requirements"),
    emailAddress: text("email_address"),
    emailNormalized: text("email_normalized"),
    username: text("username"),
    firstName: text("first_name"),
    lastName: text("last_name"),
    passwordHash: text("password_hash"),
    unsafeMetadata: jsonb("unsafe_metadata").$type<Record<string, unknown>>().notNull().default({}),
    redirectUrl: text("redirect_url"),
    /** The account this sign-up is for: one it recorded, or a pending one with the same address. */
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    /** True when this sign-up recorded the user (and emitted UserRegistered). */
    ownsUser: boolean("owns_user").notNull().default(false),
    /** The address belongs to a verified account: its owner is told, and this sign-up never completes. */
    emailTaken: boolean("email_taken").notNull().default(false),
    emailStrategy: text("email_strategy", { enum: ["email_link", "email_code"] }),
    emailPreparedAt: timestamp("email_prepared_at", { withTimezone: true }),
    emailExpireAt: timestamp("email_expire_at", { withTimezone: true }),
    emailAttempts: integer("email_attempts").notNull().default(0),
    emailVerifiedAt: timestamp("email_verified_at", { withTimezone: true }),
    /** E.164; verified by a code sent by SMS (phone_code). */
    phoneNumber: text("phone_number"),
    /** The number belongs to another verified account: no SMS goes out, and this sign-up never completes. */
    phoneTaken: boolean("phone_taken").notNull().default(false),
    phonePreparedAt: timestamp("phone_prepared_at", { withTimezone: true }),
    phoneExpireAt: timestamp("phone_expire_at", { withTimezone: true }),
    phoneAttempts: integer("phone_attempts").notNull().default(0),
    phoneVerifiedAt: timestamp("phone_verified_at", { withTimezone: true }),
    /** The invite whose ticket proved the address (Clerk's ticket strategy). */
    inviteId: uuid("invite_id"),
    remindedAt: timestamp("reminded_at", { withTimezone: true }),
    /** SHA-256 of the normalised address, kept for the audit trail after an abandoned sign-up is erased. */
    emailHash: text("email_hash"),
    completedAt: timestamp("completed_at", { withTimezone: true }),
    abandonAt: timestamp("abandon_at", { withTimezone: true }),
    correlationId: text("correlation_id").notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("sign_ups_email_idx").on(t.emailNormalized),
    index("sign_ups_user_idx").on(t.userId),
    index("sign_ups_phone_idx").on(t.phoneNumber),
    // The lifecycle sweep walks open sign-ups by age.
    index("sign_ups_open_idx").on(t.createdAt).where(sql`${t.status} = 'missing_requirements'`),
  ],
);

/**
 * Only hashes are stored: a database leak does not leak working links or codes. A token belongs to
 * a user, a sign-up, or both (a sign-up may verify its address before its user is recorded).
 */
export const verificationTokens = pgTable(
  "verification_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    signUpId: uuid("sign_up_id").references(() => signUps.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    codeHash: text("code_hash"),
    attempts: integer("attempts").notNull().default(0),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    eventId: uuid("event_id"),
    createdAt: createdAt(),
  },
  (t) => [index("verification_tokens_user_idx").on(t.userId), index("verification_tokens_sign_up_idx").on(t.signUpId)],
);

/** SMS codes for phone_code verification: only hashes (with the sign-up id) are kept. */
export const phoneCodes = pgTable(
  "phone_codes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    signUpId: uuid("sign_up_id")
      .notNull()
      .references(() => signUps.id, { onDelete: "cascade" }),
    codeHash: text("code_hash").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    eventId: uuid("event_id").notNull().unique(),
    createdAt: createdAt(),
  },
  (t) => [index("phone_codes_sign_up_idx").on(t.signUpId)],
);

/** Every SMS asked for, by number: SMS costs money, so each number has a daily budget. */
export const smsRequests = pgTable(
  "sms_requests",
  {
    id: bigint("id", { mode: "bigint" }).primaryKey().generatedAlwaysAsIdentity(),
    phoneNumber: text("phone_number").notNull(),
    signUpId: uuid("sign_up_id"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("sms_requests_number_idx").on(t.phoneNumber, t.at)],
);

export const teams = pgTable("teams", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  createdAt: createdAt(),
});

export const teamMembers = pgTable(
  "team_members",
  {
    teamId: uuid("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role").notNull(),
    joinedAt: timestamp("joined_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index("team_members_user_idx").on(t.userId)],
);

export const invites = pgTable(
  "invites",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    teamId: uuid("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    emailNormalized: text("email_normalized").notNull(),
    role: text("role").notNull(),
    invitedBy: text("invited_by").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    /** The invite request's id: a sign-up by its ticket continues under it, so one id spans the flow. */
    correlationId: text("correlation_id"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("invites_team_email_unique").on(t.teamId, t.emailNormalized), index("invites_email_idx").on(t.emailNormalized)],
);

/**
 * Single-use tickets of an invite (one for the admin's answer, one per invite mail), hashed. A
 * ticket dies with its invite: deleted by an admin, consumed on sign-up, or expired.
 */
export const inviteTickets = pgTable(
  "invite_tickets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    inviteId: uuid("invite_id")
      .notNull()
      .references(() => invites.id, { onDelete: "cascade" }),
    ticketHash: text("ticket_hash").notNull().unique(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index("invite_tickets_invite_idx").on(t.inviteId)],
);

/** Append-only: the database role the services use may insert and select, never update or delete. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigint("id", { mode: "bigint" }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    userId: uuid("user_id"),
    teamId: uuid("team_id"),
    correlationId: text("correlation_id"),
    eventId: uuid("event_id"),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index("audit_log_user_idx").on(t.userId, t.id), index("audit_log_team_idx").on(t.teamId, t.id), index("audit_log_action_idx").on(t.action, t.id)],
);

/** Events written in the same transaction as the change they describe; the relay publishes them. */
export const outbox = pgTable(
  "outbox",
  {
    id: uuid("id").primaryKey(),
    type: text("type").notNull(),
    envelope: jsonb("envelope").$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
    publishedAt: timestamp("published_at", { withTimezone: true }),
    /**
     * Set by the relay on a row that no contract accepts: such a row can never be delivered, so it
     * stays here unpublished and is not tried again, a dead letter an operator can see and act on.
     */
    failedAt: timestamp("failed_at", { withTimezone: true }),
    failedReason: text("failed_reason"),
  },
  (t) => [
    // Also holds the few dead letters (unpublished, failed): the relay skips them and the dead-letter
    // list and gauge read them through this index, so they need none of their own.
    index("outbox_unpublished_idx").on(t.createdAt).where(sql`${t.publishedAt} is null`),
    // Retention deletes published rows oldest first in small batches; without it each batch scans the table.
    index("outbox_published_idx").on(t.publishedAt).where(sql`${t.publishedAt} is not null`),
  ],
);

/** The inbox: a consumer that has recorded an event id never applies that event again. */
export const processedEvents = pgTable(
  "processed_events",
  {
    consumer: text("consumer").notNull(),
    eventId: uuid("event_id").notNull(),
    processedAt: timestamp("processed_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.consumer, t.eventId] })],
);

/**
 * A mail about to go out, written before the SMTP conversation: mail cannot join a transaction,
 * so if the worker dies after sending, the retry finds this and still records the mail and its
 * audit entry, even when the mail's reason is gone by then (the user clicked the link already).
 */
export const mailIntents = pgTable("mail_intents", {
  eventId: uuid("event_id").primaryKey(),
  action: text("action").notNull(),
  userId: uuid("user_id"),
  teamId: uuid("team_id"),
  messageId: text("message_id").notNull(),
  data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
});

/** The `local` IdP: a directory of our own that behaves like a vendor's (its own ids). */
export const localDirectory = pgTable("local_directory", {
  internalId: uuid("internal_id").primaryKey().defaultRandom(),
  externalId: text("external_id").notNull().unique(),
  email: text("email").notNull(),
  username: text("username"),
  displayName: text("display_name"),
  createdAt: createdAt(),
});
