import { expect } from "vitest";
import { loadConfig } from "../../src/config/loadConfig.js";
import { InviteMonitorError } from "../../src/lib/errors.js";

/** The CONFIG_INVALID error loadConfig throws for `env`; fails the test when it does not throw one. */
export function configError(env: Record<string, string | undefined>): InviteMonitorError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(InviteMonitorError);
    expect((error as InviteMonitorError).code).toBe("CONFIG_INVALID");
    return error as InviteMonitorError;
  }
  throw new Error(`expected loadConfig to throw for ${Object.keys(env).join(", ")}`);
}
