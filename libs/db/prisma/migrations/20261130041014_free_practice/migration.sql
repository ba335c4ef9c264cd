-- AlterTable
ALTER TABLE "scenarios" ADD COLUMN     "free_practice" BOOLEAN NOT NULL DEFAULT false;
