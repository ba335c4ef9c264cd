-- AlterTable
ALTER TABLE "practice_sessions" ADD COLUMN     "rubric_versions" JSONB;

-- CreateTable
CREATE TABLE "skill_rubrics" (
    "skill_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "rubric" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "skill_rubrics_pkey" PRIMARY KEY ("skill_id","version")
);

-- AddForeignKey
ALTER TABLE "skill_rubrics" ADD CONSTRAINT "skill_rubrics_skill_id_fkey" FOREIGN KEY ("skill_id") REFERENCES "skills"("id") ON DELETE CASCADE ON UPDATE CASCADE;
