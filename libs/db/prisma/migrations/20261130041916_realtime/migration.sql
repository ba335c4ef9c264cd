-- AlterTable
ALTER TABLE "practice_sessions" ADD COLUMN     "engines" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "realtime_settings" JSONB;

-- AlterTable
ALTER TABLE "turns" ADD COLUMN     "engine" TEXT,
ADD COLUMN     "transitions" JSONB;

-- CreateTable
CREATE TABLE "generations" (
    "id" TEXT NOT NULL,
    "session_id" UUID NOT NULL,
    "turn_id" UUID,
    "outcome" TEXT NOT NULL,
    "tokens" INTEGER NOT NULL DEFAULT 0,
    "engine" TEXT NOT NULL DEFAULT 'cascade',
    "cancel_reason" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "first_token_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "generations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "generations_session_id_idx" ON "generations"("session_id");

-- AddForeignKey
ALTER TABLE "generations" ADD CONSTRAINT "generations_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "practice_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
