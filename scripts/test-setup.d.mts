// Types for scripts/test-setup.mjs (JavaScript: .ci/run runs it before npm ci installs tsx).
export declare const tools: Record<string, { bin: string; pkg: string; why: string }>;
export declare const servers: Record<string, { port: number; start(): string[] }>;
export declare function which(bin: string, path?: string): string | undefined;
export declare function listening(port: number, ms?: number): Promise<boolean>;
export interface SetupState {
  missingTools: string[];
  packages: string[];
  downServers: string[];
  install: string | undefined;
}
export declare function check(
  needs: readonly string[],
  o?: { which?: (bin: string) => string | undefined; listening?: (port: number) => Promise<boolean> },
): Promise<SetupState>;
/** 0 when ready; 3 when not (the message on stderr names the command that fixes it). */
export declare function setup(needs: readonly string[], o?: { mode?: 'auto' | 'check'; root?: boolean }): Promise<number>;
/** Each C++ addon's workspace and its built file, relative to the repository. */
export declare const nativeAddons: Readonly<Record<string, string>>;
/** Build each addon of nativeAddons that is not built (npm rebuild); 0 built, 3 not (the message on stderr says why). */
export declare function buildNative(repo: string): number;
