-- AlterTable
ALTER TABLE "practice_sessions" ALTER COLUMN "offline_roleplayer" DROP NOT NULL,
ALTER COLUMN "offline_roleplayer" DROP DEFAULT;

-- CreateTable
CREATE TABLE "session_outbox" (
    "seq" BIGSERIAL NOT NULL,
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "job" TEXT,
    "payload" JSONB NOT NULL,
    "meta" JSONB NOT NULL DEFAULT '{}',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "session_outbox_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "evaluator_outbox" (
    "seq" BIGSERIAL NOT NULL,
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "job" TEXT,
    "payload" JSONB NOT NULL,
    "meta" JSONB NOT NULL DEFAULT '{}',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "evaluator_outbox_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE UNIQUE INDEX "session_outbox_id_key" ON "session_outbox"("id");

-- CreateIndex
CREATE INDEX "session_outbox_created_at_idx" ON "session_outbox"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "evaluator_outbox_id_key" ON "evaluator_outbox"("id");

-- CreateIndex
CREATE INDEX "evaluator_outbox_created_at_idx" ON "evaluator_outbox"("created_at");
