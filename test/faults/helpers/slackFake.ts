import { startSlackSimulator, type ReceivedMessage, type SlackAnswer, type SlackSimulator, type SlackSimulatorOptions } from "../../../src/simulator/slackSimulator.js";
import { freePort } from "../../helpers/ownRedis.js";

/**
 * The Slack webhook simulator, on a fixed port and a fixed URL, that can go away (connections refused) and come
 * back on the same port: the daemon keeps one SLACK_WEBHOOK_URL throughout. Messages of every incarnation are kept.
 */
export class SlackFake {
  private sim: SlackSimulator | null = null;
  private readonly incarnations: SlackSimulator[] = [];

  private constructor(
    readonly port: number,
    readonly webhookUrl: string,
    private readonly options: Omit<SlackSimulatorOptions, "port">,
  ) {}

  static async start(options: Omit<SlackSimulatorOptions, "port"> = {}): Promise<SlackFake> {
    const port = await freePort();
    // The simulator accepts any path; this one is shaped like Slack's and stays the same across restarts.
    const fake = new SlackFake(port, `http://127.0.0.1:${port}/services/T0FAULTS0/B0FAULTS0/faultsuite${port}`, options);
    await fake.up();
    return fake;
  }

  /** Every POST received by every incarnation, in order. */
  received(): ReceivedMessage[] {
    return this.incarnations.flatMap((sim) => sim.received);
  }

  /** The messages answered 200: what the channel shows. */
  delivered(): ReceivedMessage[] {
    return this.received().filter((m) => m.status === 200);
  }

  /** Scripts the next answers of the running simulator. */
  script(...answers: SlackAnswer[]): void {
    if (!this.sim) throw new Error("the Slack fake is down");
    this.sim.script(...answers);
  }

  /** Closes the server: from now on connections to the port are refused. */
  async down(): Promise<void> {
    const sim = this.sim;
    if (!sim) return;
    this.sim = null;
    await sim.close();
  }

  /** Starts a new simulator on the same port. */
  async up(): Promise<void> {
    if (this.sim) return;
    // The simulator listens with SO_REUSEADDR, so the port is free again as soon as the previous one closed.
    this.sim = await startSlackSimulator({ ...this.options, port: this.port });
    this.incarnations.push(this.sim);
  }
}
