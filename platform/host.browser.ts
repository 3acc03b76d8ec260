// Facts about the host, in a browser: navigator's CPU count, and no environment variables.

export const cpuCount = (): number => (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;

export const environment = (): Readonly<Record<string, string | undefined>> => ({});
