-- CreateEnum
CREATE TYPE "scenario_status" AS ENUM ('draft', 'published');

-- CreateEnum
CREATE TYPE "session_mode" AS ENUM ('turn', 'realtime', 'text');

-- CreateEnum
CREATE TYPE "session_status" AS ENUM ('pending', 'active', 'ending', 'ended', 'failed');

-- CreateEnum
CREATE TYPE "termination_reason" AS ENUM ('manual_stop', 'idle_timeout', 'max_duration', 'max_turns', 'objective_met', 'objective_failed', 'provider_error', 'client_disconnected');

-- CreateEnum
CREATE TYPE "speaker" AS ENUM ('ai', 'trainee');

-- CreateEnum
CREATE TYPE "transcription_status" AS ENUM ('pending', 'done', 'failed');

-- CreateEnum
CREATE TYPE "evaluation_status" AS ENUM ('queued', 'running', 'succeeded', 'failed');

-- CreateTable
CREATE TABLE "users" (
    "id" TEXT NOT NULL,
    "display_name" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "skills" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "rubric" JSONB NOT NULL,
    "rubric_version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "skills_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scenarios" (
    "id" TEXT NOT NULL,
    "status" "scenario_status" NOT NULL DEFAULT 'draft',
    "current_version" INTEGER NOT NULL DEFAULT 1,
    "published_version" INTEGER,
    "author_id" TEXT,
    "title" TEXT,
    "summary" TEXT,
    "category" TEXT,
    "difficulty" TEXT,
    "language" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "skill_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "objectives_text" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "scenarios_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "scenario_versions" (
    "scenario_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "content" JSONB NOT NULL,
    "published_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "scenario_versions_pkey" PRIMARY KEY ("scenario_id","version")
);

-- CreateTable
CREATE TABLE "practice_sessions" (
    "id" UUID NOT NULL,
    "user_id" TEXT NOT NULL,
    "scenario_id" TEXT NOT NULL,
    "scenario_version" INTEGER NOT NULL,
    "mode" "session_mode" NOT NULL,
    "status" "session_status" NOT NULL DEFAULT 'pending',
    "termination_reason" "termination_reason",
    "offline_roleplayer" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    "client_started_at" TIMESTAMPTZ(3) NOT NULL,
    "clock_drift_ms" INTEGER NOT NULL DEFAULT 0,
    "last_activity_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "max_duration_at" TIMESTAMPTZ(3),
    "idle_at" TIMESTAMPTZ(3),
    "trainee_turn_count" INTEGER NOT NULL DEFAULT 0,
    "next_sequence" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "practice_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "turns" (
    "id" UUID NOT NULL,
    "session_id" UUID NOT NULL,
    "sequence" INTEGER NOT NULL,
    "speaker" "speaker" NOT NULL,
    "text" TEXT,
    "audio_key" TEXT,
    "audio_bytes" INTEGER,
    "duration_ms" INTEGER,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3) NOT NULL,
    "transcription_status" "transcription_status",
    "transcription_error" TEXT,
    "interrupted" BOOLEAN NOT NULL DEFAULT false,
    "heard_ms" INTEGER,
    "latency" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "turns_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "evaluations" (
    "id" UUID NOT NULL,
    "session_id" UUID NOT NULL,
    "user_id" TEXT NOT NULL,
    "status" "evaluation_status" NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "ratings" JSONB,
    "summary" TEXT,
    "strengths" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "improvements" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "objectives_achieved" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "objectives_missed" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "analytics" JSONB,
    "missing_turns" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "model" TEXT,
    "rubric_version" INTEGER,
    "heuristic" BOOLEAN NOT NULL DEFAULT false,
    "failure_reason" TEXT,
    "queued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "evaluations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "prompt_templates" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "system_prompt" TEXT NOT NULL,
    "owner_id" TEXT,
    "custom" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "prompt_templates_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "scenarios_status_category_idx" ON "scenarios"("status", "category");

-- CreateIndex
CREATE INDEX "scenarios_author_id_idx" ON "scenarios"("author_id");

-- CreateIndex
CREATE INDEX "scenarios_tags_idx" ON "scenarios" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "scenarios_skill_ids_idx" ON "scenarios" USING GIN ("skill_ids");

-- CreateIndex
CREATE INDEX "practice_sessions_user_id_started_at_idx" ON "practice_sessions"("user_id", "started_at");

-- CreateIndex
CREATE INDEX "practice_sessions_user_id_status_idx" ON "practice_sessions"("user_id", "status");

-- CreateIndex
CREATE INDEX "practice_sessions_user_id_created_at_idx" ON "practice_sessions"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "practice_sessions_scenario_id_scenario_version_idx" ON "practice_sessions"("scenario_id", "scenario_version");

-- CreateIndex
CREATE INDEX "practice_sessions_status_idx" ON "practice_sessions"("status");

-- CreateIndex
CREATE UNIQUE INDEX "turns_session_id_sequence_key" ON "turns"("session_id", "sequence");

-- CreateIndex
CREATE UNIQUE INDEX "evaluations_session_id_key" ON "evaluations"("session_id");

-- CreateIndex
CREATE INDEX "evaluations_user_id_idx" ON "evaluations"("user_id");

-- CreateIndex
CREATE INDEX "evaluations_status_idx" ON "evaluations"("status");

-- CreateIndex
CREATE INDEX "prompt_templates_owner_id_idx" ON "prompt_templates"("owner_id");

-- AddForeignKey
ALTER TABLE "scenario_versions" ADD CONSTRAINT "scenario_versions_scenario_id_fkey" FOREIGN KEY ("scenario_id") REFERENCES "scenarios"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "practice_sessions" ADD CONSTRAINT "practice_sessions_scenario_id_fkey" FOREIGN KEY ("scenario_id") REFERENCES "scenarios"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "practice_sessions" ADD CONSTRAINT "practice_sessions_scenario_id_scenario_version_fkey" FOREIGN KEY ("scenario_id", "scenario_version") REFERENCES "scenario_versions"("scenario_id", "version") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "turns" ADD CONSTRAINT "turns_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "practice_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "practice_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Checks Prisma cannot express in the schema (it neither creates nor reports them as drift).
ALTER TABLE "skills" ADD CONSTRAINT "skills_rubric_version_check" CHECK ("rubric_version" >= 1);
ALTER TABLE "scenarios" ADD CONSTRAINT "scenarios_current_version_check" CHECK ("current_version" >= 1);
ALTER TABLE "scenarios" ADD CONSTRAINT "scenarios_published_version_check" CHECK ("published_version" IS NULL OR ("published_version" >= 1 AND "published_version" <= "current_version"));
ALTER TABLE "scenario_versions" ADD CONSTRAINT "scenario_versions_version_check" CHECK ("version" >= 1);
ALTER TABLE "practice_sessions" ADD CONSTRAINT "practice_sessions_counters_check" CHECK ("next_sequence" >= 0 AND "trainee_turn_count" >= 0);
ALTER TABLE "turns" ADD CONSTRAINT "turns_sequence_check" CHECK ("sequence" >= 0);
ALTER TABLE "turns" ADD CONSTRAINT "turns_sizes_check" CHECK (("audio_bytes" IS NULL OR "audio_bytes" >= 0) AND ("duration_ms" IS NULL OR "duration_ms" >= 0) AND ("heard_ms" IS NULL OR "heard_ms" >= 0));
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_attempts_check" CHECK ("attempts" >= 0);
