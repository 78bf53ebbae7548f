// Configuration from environment variables, validated once at start. Every problem
// is reported with the variable's name, what was expected and what was given.
import { envVars, services, type ServiceName } from '@marquee/contract';

/** One environment variable: its name and how to turn the raw string into a value. */
export interface Field<T> {
  readonly variable: string;
  /**
   * What a valid value is, as the error messages say it (`one of fatal, error, …`): for whoever
   * reports a problem somewhere else (validate, on the overlay line that set the value).
   */
  readonly expected: string;
  /** Returns the value or throws a FieldError whose message completes "config: <VAR> ...". */
  parse(raw: string | undefined): T;
}

export class FieldError extends Error {}

/** All configuration problems found at once, one line each. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export type ConfigSpec = Record<string, Field<unknown>>;
export type ConfigOf<S extends ConfigSpec> = { readonly [K in keyof S]: S[K] extends Field<infer T> ? T : never };
export type Env = Readonly<Record<string, string | undefined>>;

const shown = (raw: string) => JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw);
/** Empty strings count as unset: Kubernetes and shells produce them for "not configured". */
const present = (raw: string | undefined): raw is string => raw !== undefined && raw.trim() !== '';

function field<T>(variable: string, expected: string, parse: (raw: string | undefined) => T): Field<T> {
  return { variable, expected, parse };
}

export interface IntOptions {
  readonly default?: number;
  /** @default Number.MIN_SAFE_INTEGER */
  readonly min?: number;
  /** @default Number.MAX_SAFE_INTEGER */
  readonly max?: number;
}

/** Field constructors; each names its environment variable. */
export const env = {
  /** An integer within [min, max]; decimal digits only ("08" is fine, "8.0", "1e3" and "0x10" are not). */
  int(variable: string, o: IntOptions = {}): Field<number> {
    const min = o.min ?? Number.MIN_SAFE_INTEGER;
    const max = o.max ?? Number.MAX_SAFE_INTEGER;
    const expected = `an integer ${min}-${max}`;
    return field(variable, expected, (raw) => {
      if (!present(raw)) {
        if (o.default !== undefined) return o.default;
        throw new FieldError(`is required (${expected})`);
      }
      const n = /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n) || n < min || n > max) {
        throw new FieldError(`must be ${expected} (got ${shown(raw)})`);
      }
      return n;
    });
  },

  /** A TCP port, 1-65535. */
  port(variable: string, defaultPort?: number): Field<number> {
    return env.int(variable, { min: 1, max: 65535, ...(defaultPort === undefined ? {} : { default: defaultPort }) });
  },

  /** Any non-empty string, optionally matching a pattern (described in `hint` for the error). */
  string(variable: string, o: { default?: string; pattern?: RegExp; hint?: string } = {}): Field<string> {
    const expected = o.hint ?? (o.pattern ? `a string matching ${o.pattern}` : 'a non-empty string');
    return field(variable, expected, (raw) => {
      if (!present(raw)) {
        if (o.default !== undefined) return o.default;
        throw new FieldError(`is required${o.hint ? ` (${o.hint})` : ''}`);
      }
      if (o.pattern && !o.pattern.test(raw)) {
        throw new FieldError(`must be ${expected} (got ${shown(raw)})`);
      }
      return raw;
    });
  },

  /** An absolute URL with one of the given protocols, returned normalised without a trailing slash. */
  url(variable: string, o: { default?: string; protocols?: readonly string[]; example?: string } = {}): Field<string> {
    const protocols = o.protocols ?? ['http:', 'https:'];
    const what = `a ${protocols.map((p) => p.replace(':', '')).join('/')} URL${o.example ? `, e.g. ${o.example}` : ''}`;
    return field(variable, what, (raw) => {
      if (!present(raw)) {
        if (o.default !== undefined) return o.default;
        throw new FieldError(`is required (${what})`);
      }
      let u: URL;
      try {
        u = new URL(raw);
      } catch {
        throw new FieldError(`must be ${what} (got ${shown(raw)})`);
      }
      if (!protocols.includes(u.protocol)) throw new FieldError(`must be ${what} (got ${shown(raw)})`);
      return raw.replace(/\/+$/, '');
    });
  },

  /** One of a fixed set of values. */
  oneOf<const V extends string>(variable: string, values: readonly V[], defaultValue?: V): Field<V> {
    const expected = `one of ${values.join(', ')}`;
    return field(variable, expected, (raw) => {
      if (!present(raw)) {
        if (defaultValue !== undefined) return defaultValue;
        throw new FieldError(`is required (${expected})`);
      }
      if (!(values as readonly string[]).includes(raw)) {
        throw new FieldError(`must be ${expected} (got ${shown(raw)})`);
      }
      return raw as V;
    });
  },
};

/**
 * Reads and validates every field; throws one ConfigError listing every bad variable
 * (`config: PORT must be an integer 1-65535 (got "abc")`).
 */
export function readConfig<S extends ConfigSpec>(spec: S, source: Env = process.env): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, f] of Object.entries(spec)) {
    try {
      out[key] = f.parse(source[f.variable]);
    } catch (err) {
      if (!(err instanceof FieldError)) throw err;
      problems.push(`config: ${f.variable} ${err.message}`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return out as ConfigOf<S>;
}

/**
 * For server.ts and scripts: read the config (a spec, or a function that reads one and may
 * throw ConfigError), or print every problem to stderr and exit 1.
 */
export function loadConfigOrExit<S extends ConfigSpec>(spec: S, source?: Env): ConfigOf<S>;
export function loadConfigOrExit<T>(read: () => T): T;
export function loadConfigOrExit(specOrRead: ConfigSpec | (() => unknown), source: Env = process.env): unknown {
  try {
    return typeof specOrRead === 'function' ? specOrRead() : readConfig(specOrRead, source);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/** The variables every service reads: PORT (defaults to the contract port), LOG_LEVEL, APP_ENV, GIT_SHA. */
export function baseConfigSpec(service: ServiceName) {
  return {
    port: env.port(envVars.port, services[service].port),
    logLevel: env.oneOf(envVars.logLevel, logLevels, 'info'),
    appEnv: env.string(envVars.appEnv, { default: 'local', pattern: /^[a-z0-9-]{1,32}$/, hint: 'a short lowercase name like dev, test or prod' }),
    gitSha: env.string(envVars.gitSha, { default: 'unknown', pattern: /^[0-9a-f]{7,40}$|^unknown$/, hint: 'a 7-40 character hex git sha' }),
  };
}
export type BaseConfig = ConfigOf<ReturnType<typeof baseConfigSpec>>;
