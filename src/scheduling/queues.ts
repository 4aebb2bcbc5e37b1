import { isNotConnectionError, Queue, type ConnectionOptions } from "bullmq";

/** The sweep and the polls live on separate queues: the global limiter counts every job on its queue. */
export const SWEEP_QUEUE = "sweep";
export const POLL_QUEUE = "poll";
/** Kept only to remove the notifier's Job Scheduler of versions before the event-driven loops (createMonitor). */
export const NOTIFY_QUEUE = "notify";

/** The list cycle's job, on the poll queue (the global limiter counts every job on its queue: the list is one request). */
export const LIST_JOB = "list";

export interface PollJobData {
  inviteId: string;
  /** The next_check_at this job serves, in epoch ms; part of the job id. */
  dueAt: number;
}

/**
 * One job id per invite and due time: a second sweep, or a second scheduler, that finds the same invite still
 * due adds the same id, and BullMQ keeps the first job. (BullMQ forbids ':' in custom ids.)
 */
export function pollJobId(inviteId: string, dueAt: number): string {
  return `poll-${inviteId}-${dueAt}`;
}

/** Completed poll jobs are kept a while so that their ids still deduplicate a sweep that read the database late. */
export const KEEP_COMPLETED_SECONDS = 3_600;

export interface Queues {
  sweep: Queue;
  poll: Queue<PollJobData>;
  notify: Queue;
  close(): Promise<void>;
}

/**
 * A queue with no `error` listener makes BullMQ print the raw error to stderr, outside the JSON log, at every
 * reconnect attempt. The queues share the process's Redis client, whose connection errors /readyz reports: only
 * the others are passed on.
 */
export function createQueues(connection: ConnectionOptions, prefix: string, onError: (queue: string, error: Error) => void): Queues {
  const sweep = new Queue(SWEEP_QUEUE, { connection, prefix });
  const poll = new Queue<PollJobData>(POLL_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      removeOnComplete: { age: KEEP_COMPLETED_SECONDS },
      // A job fails only when our own infrastructure does (Postgres down): drop it, the invite is still due
      // in Postgres and the next sweep queues it again.
      removeOnFail: true,
      attempts: 3,
      backoff: { type: "exponential", delay: 1_000 },
    },
  });
  const notify = new Queue(NOTIFY_QUEUE, { connection, prefix });
  for (const queue of [sweep, poll, notify]) {
    queue.on("error", (error) => {
      if (isNotConnectionError(error) && !isSocketError(error)) onError(queue.name, error);
    });
  }
  return {
    sweep,
    poll,
    notify,
    async close() {
      await notify.close();
      await poll.close();
      await sweep.close();
    },
  };
}

/** ECONNRESET, ETIMEDOUT, EPIPE, EAI_AGAIN (a Redis host that does not resolve, as in compose while it restarts)…: the socket's own errors, which BullMQ's check (ECONNREFUSED, closed) leaves out. */
function isSocketError(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === "string" && /^E[A-Z_]+$/.test(code);
}
