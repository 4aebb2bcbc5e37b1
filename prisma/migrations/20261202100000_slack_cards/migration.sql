-- AlterTable
ALTER TABLE "alert" ADD COLUMN     "digested_at" TIMESTAMPTZ(3),
ADD COLUMN     "slack_ts" TEXT;

-- CreateTable
CREATE TABLE "slack_card" (
    "invite_id" CHAR(32) NOT NULL,
    "channel" TEXT NOT NULL,
    "ts" TEXT NOT NULL,
    "shown_alert_id" INTEGER NOT NULL,
    "posted_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "slack_card_pkey" PRIMARY KEY ("invite_id")
);

-- AddForeignKey
ALTER TABLE "slack_card" ADD CONSTRAINT "slack_card_invite_id_fkey" FOREIGN KEY ("invite_id") REFERENCES "tracked_invite"("id") ON DELETE CASCADE ON UPDATE CASCADE;

