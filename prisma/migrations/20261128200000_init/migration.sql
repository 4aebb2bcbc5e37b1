-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "EffectiveStatus" AS ENUM ('pending', 'accepted', 'rejected', 'expired', 'gone', 'unknown');

-- CreateTable
CREATE TABLE "tracked_invite" (
    "id" CHAR(32) NOT NULL,
    "label" TEXT,
    "added_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "api_status" TEXT,
    "effective_status" "EffectiveStatus",
    "expires_on" TIMESTAMPTZ(3),
    "invited_member_id" TEXT,
    "invited_member_email" TEXT,
    "organization_id" TEXT,
    "organization_name" TEXT,
    "invited_by" TEXT,
    "invited_on" TIMESTAMPTZ(3),
    "roles" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "two_factor_enforced" BOOLEAN,
    "payload" JSONB,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "next_check_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_checked_at" TIMESTAMPTZ(3),
    "last_changed_at" TIMESTAMPTZ(3),
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "last_error_at" TIMESTAMPTZ(3),

    CONSTRAINT "tracked_invite_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "snapshot" (
    "id" BIGSERIAL NOT NULL,
    "invite_id" CHAR(32) NOT NULL,
    "observed_at" TIMESTAMPTZ(3) NOT NULL,
    "api_status" TEXT,
    "effective_status" "EffectiveStatus" NOT NULL,
    "expires_on" TIMESTAMPTZ(3),
    "payload" JSONB,
    "changed_fields" TEXT[],
    "changes" JSONB NOT NULL,
    "first" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "snapshot_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "tracked_invite_active_next_check_at_idx" ON "tracked_invite"("active", "next_check_at");

-- CreateIndex
CREATE INDEX "snapshot_invite_id_observed_at_idx" ON "snapshot"("invite_id", "observed_at");

-- AddForeignKey
ALTER TABLE "snapshot" ADD CONSTRAINT "snapshot_invite_id_fkey" FOREIGN KEY ("invite_id") REFERENCES "tracked_invite"("id") ON DELETE CASCADE ON UPDATE CASCADE;

