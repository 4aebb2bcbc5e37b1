-- AlterEnum
ALTER TYPE "AlertKind" ADD VALUE 'discovered';

-- AlterTable
ALTER TABLE "tracked_invite" ADD COLUMN     "slack_channel" TEXT,
ADD COLUMN     "untracked_at" TIMESTAMPTZ(3);

