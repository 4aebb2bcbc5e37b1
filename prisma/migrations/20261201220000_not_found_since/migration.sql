-- AlterTable
ALTER TABLE "tracked_invite" ADD COLUMN     "not_found_since" TIMESTAMPTZ(3);

