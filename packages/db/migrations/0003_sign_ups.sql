CREATE TABLE "sign_ups" (
	"id" uuid PRIMARY KEY NOT NULL,
	"client_token_hash" text NOT NULL,
	"status" text DEFAULT 'missing_requirements' NOT NULL,
	"email_address" text,
	"email_normalized" text,
	"username" text,
	"first_name" text,
	"last_name" text,
	"password_hash" text,
	"unsafe_metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"redirect_url" text,
	"user_id" uuid,
	"owns_user" boolean DEFAULT false NOT NULL,
	"email_taken" boolean DEFAULT false NOT NULL,
	"email_strategy" text,
	"email_prepared_at" timestamp with time zone,
	"email_expire_at" timestamp with time zone,
	"email_attempts" integer DEFAULT 0 NOT NULL,
	"email_verified_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"abandon_at" timestamp with time zone,
	"correlation_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "verification_tokens" ALTER COLUMN "user_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "verification_tokens" ADD COLUMN "sign_up_id" uuid;--> statement-breakpoint
ALTER TABLE "sign_ups" ADD CONSTRAINT "sign_ups_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sign_ups_email_idx" ON "sign_ups" USING btree ("email_normalized");--> statement-breakpoint
CREATE INDEX "sign_ups_user_idx" ON "sign_ups" USING btree ("user_id");--> statement-breakpoint
ALTER TABLE "verification_tokens" ADD CONSTRAINT "verification_tokens_sign_up_id_sign_ups_id_fk" FOREIGN KEY ("sign_up_id") REFERENCES "public"."sign_ups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "verification_tokens_sign_up_idx" ON "verification_tokens" USING btree ("sign_up_id");