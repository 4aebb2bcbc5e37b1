-- CreateEnum
CREATE TYPE "AlertKind" AS ENUM ('accepted', 'rejected', 'expired', 'gone', 'expiring', 'credentials_rejected', 'credentials_restored');

-- CreateEnum
CREATE TYPE "AlertStatus" AS ENUM ('pending', 'delivered', 'failed');

-- AlterTable
ALTER TABLE "tracked_invite" ADD COLUMN     "expiry_alerted_for" TIMESTAMPTZ(3),
ADD COLUMN     "expiry_alerted_threshold_sec" INTEGER,
ADD COLUMN     "muted" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "alert" (
    "id" SERIAL NOT NULL,
    "dedup_key" TEXT NOT NULL,
    "kind" "AlertKind" NOT NULL,
    "invite_id" CHAR(32),
    "content" JSONB NOT NULL,
    "status" "AlertStatus" NOT NULL DEFAULT 'pending',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),
    "failed_at" TIMESTAMPTZ(3),
    "last_error" TEXT,

    CONSTRAINT "alert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "alert_dedup_key_key" ON "alert"("dedup_key");

-- CreateIndex
CREATE INDEX "alert_status_next_attempt_at_idx" ON "alert"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "alert_invite_id_idx" ON "alert"("invite_id");

-- AddForeignKey
ALTER TABLE "alert" ADD CONSTRAINT "alert_invite_id_fkey" FOREIGN KEY ("invite_id") REFERENCES "tracked_invite"("id") ON DELETE CASCADE ON UPDATE CASCADE;

