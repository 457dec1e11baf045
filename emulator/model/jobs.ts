/** Jobs as a kind: external jobs (`POST /jobs`, `/end`, `/clear`). Starting and ending a command's job is the core's. */
import { EngineCore } from "./core";
import type { Ctx } from "./core";
import { badParameter, conflict, incomplete } from "./errors";
import { Obj, bool, str } from "./input";
import type { Job } from "./types";

/** Job statuses: common/…/job/JobExecutionStatus.java (STARTED, FINISHED, FAILED, ABORTED, UNKNOWN) as the REST API names them. */
export const JOB_STATUSES = ["started", "finished", "failed", "aborted", "unknown"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export abstract class JobKind extends EngineCore {
    addExternalJob(b: Obj, ctx: Ctx): Job {
        const description = str(b.description);
        if (!description) throw incomplete("Job", ["description"]);
        const job = this.startJob(description, ctx);
        job.external = true;
        job.autoCleared = bool(b.auto_cleared, "auto_cleared") ?? true;
        return job;
    }

    endExternalJob(id: string, b: Obj): Job {
        const job = this.job(id);
        if (!job.external) throw badParameter("Cannot end Job. The Job is not external.");
        if (job.status !== "started") throw conflict("Cannot end Job. The Job has already ended.");
        this.endJob(id, bool(b.succeeded, "succeeded") === false ? "failed" : "finished");
        return job;
    }

    clearJob(id: string): Job {
        const job = this.job(id);
        this.state.jobs = this.state.jobs.filter((j) => j.id !== id);
        return job;
    }
}
