// Types of addon-build.mjs, for the tests that import it.
export declare const BUILD_COMMAND: string;
export declare const SKIPPED_REASON: string;
export declare function statusLine(built: boolean, reason: string): string;
export declare function findPrerequisites(checks?: {
  env?: Record<string, string | undefined>;
  includeDirs?: (string | undefined)[];
  cxx?: string;
  nodedir?: string;
  nodeGyp?: () => string[] | undefined;
}): { reason: string; gyp?: undefined; nodedir?: undefined } | { reason?: undefined; gyp: string[]; nodedir: string };
export declare function buildFailedReason(stderr: string | undefined, status: number | null): string;
