/**
 * How the image runs the daemon (the Dockerfile's ENTRYPOINT, NODE_OPTIONS and the MALLOC_ settings): the benchmarks of
 * the built daemon (rows 3 and 8) run it the same way. test/unit/deployment.test.ts keeps the two in step.
 */
export const IMAGE_RUNTIME: { nodeArgs: string[]; env: Record<string, string> } = {
  nodeArgs: [],
  env: { NODE_OPTIONS: "--max-old-space-size=128", MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "131072" },
};
