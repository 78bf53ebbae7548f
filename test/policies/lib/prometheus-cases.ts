// Inputs both our port (policies/lib/prometheus.ts) and the real tools judge: the unit test checks the
// port's answer and line, the parity test (test/monitoring/config-parity.test.ts) checks that promtool,
// amtool and prometheus give the same verdict. Expected lines are counted by hand in the text.

/** prometheus/common model/time_test.go TestParseDuration: input → milliseconds. */
export const goodDurations: readonly (readonly [string, bigint])[] = [
  ['0', 0n],
  ['0w', 0n],
  ['0s', 0n],
  ['324ms', 324n],
  ['3s', 3_000n],
  ['5m', 300_000n],
  ['1h', 3_600_000n],
  ['4d', 4n * 86_400_000n],
  ['4d1h', 4n * 86_400_000n + 3_600_000n],
  ['14d', 14n * 86_400_000n],
  ['3w', 21n * 86_400_000n],
  ['3w2d1h', 23n * 86_400_000n + 3_600_000n],
  ['10y', 3650n * 86_400_000n],
  // TestDuration_UnmarshalJSON: the largest whole number of years below time.Duration's limit
  ['289y', 289n * 365n * 86_400_000n],
];

/** model/time_test.go TestParseBadDuration, and the mistakes this check is for. */
export const badDurations: readonly string[] = [
  '1', '1y1m1d', '-1w', '1.5d', 'd', '294y', '200y10400w', '107675d', '2584200h', '',
  '10 m', '30days', '1m1h', '5min', '1h 30m',
];

export interface FileCase {
  readonly name: string;
  readonly text: string;
  /** the problems (message fragment, line) our check reports; empty: the file loads */
  readonly problems: readonly (readonly [string, number])[];
}

/** rulefmt's testdata (model/rulefmt/testdata/*.bad.yaml) in small, and the bugs validate missed. */
export const ruleFiles: readonly FileCase[] = [
  {
    name: 'valid alerting and recording rules',
    text: `groups:
  - name: good
    interval: 1m
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
      - alert: Down
        expr: |-
          sum by (namespace, queue) (
            rabbitmq_detailed_queue_messages{job="rabbitmq-queues"}
          ) > 5000
        for: 1h30m
        keep_firing_for: 5m
        labels:
          severity: critical
`,
    problems: [],
  },
  {
    name: 'unbalanced paren (bad_expr.bad.yaml)',
    text: `groups:
  - name: prod-extra
    rules:
      - alert: Backlog
        expr: sum by (namespace, queue) (rabbitmq_detailed_queue_messages{job="rabbitmq-queues"} > 5000
        for: 10m
`,
    problems: [['could not parse expression', 5]],
  },
  {
    name: 'a parse error on the third line of a literal block',
    text: `groups:
  - name: block
    rules:
      - alert: Backlog
        expr: |-
          sum by (queue) (
            rabbitmq_detailed_queue_messages
          ) > > 5000
`,
    problems: [['could not parse expression', 8]],
  },
  {
    name: 'for with a space',
    text: `groups:
  - name: prod-extra
    rules:
      - alert: Backlog
        expr: up == 0
        for: 10 m
`,
    problems: [['for: unknown unit " m" in duration "10 m"', 6]],
  },
  {
    name: 'keep_firing_for and interval that are not durations',
    text: `groups:
  - name: g
    interval: 1.5m
    rules:
      - alert: Down
        expr: up == 0
        keep_firing_for: 5min
`,
    problems: [['interval: unknown unit "." in duration "1.5m"', 3], ['keep_firing_for: unknown unit "min"', 7]],
  },
  {
    name: 'neither alert nor record (no_rec_alert.bad.yaml)',
    text: `groups:
  - name: g
    rules:
      - expr: up == 0
`,
    problems: [["one of 'record' or 'alert' must be set", 4]],
  },
  {
    name: 'both alert and record (record_and_alert.bad.yaml)',
    text: `groups:
  - name: g
    rules:
      - record: up:sum
        alert: Down
        expr: sum(up)
`,
    problems: [["only one of 'record' and 'alert' must be set", 4]],
  },
  {
    name: 'a recording rule with for (record_and_for.bad.yaml)',
    text: `groups:
  - name: g
    rules:
      - record: up:sum
        expr: sum(up)
        for: 5m
`,
    problems: [["invalid field 'for' in recording rule", 4]],
  },
  {
    name: 'a group name twice in one file (duplicate_grp.bad.yaml)',
    text: `groups:
  - name: yolo
    rules:
      - alert: A
        expr: up == 0
  - name: yolo
    rules:
      - alert: B
        expr: up == 1
`,
    problems: [['groupname: "yolo" is repeated in the same file', 6]],
  },
];

/** Alertmanager configurations: config/config.go's checks, and the bugs validate missed. */
export const alertmanagerFiles: readonly FileCase[] = [
  {
    name: 'valid routing tree',
    text: `global:
  resolve_timeout: 5m
route:
  receiver: default
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 12h
  routes:
    - matchers: ['severity="critical"']
      receiver: critical
      routes:
        - matchers: ['team="db"']
          receiver: "null"
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [alertname]
receivers:
  - name: default
  - name: critical
  - name: "null"
`,
    problems: [],
  },
  {
    name: 'a misspelled receiver in a nested route',
    text: `route:
  receiver: default
  routes:
    - matchers: ['severity="critical"']
      receiver: critical
      routes:
        - matchers: ['team="db"']
          receiver: critcal
receivers:
  - name: default
  - name: critical
`,
    problems: [['undefined receiver "critcal" used in route', 8]],
  },
  {
    name: 'group_wait with a space',
    text: `route:
  receiver: default
  group_wait: 30 s
receivers:
  - name: default
`,
    problems: [['group_wait: unknown unit " s"', 3]],
  },
  {
    name: 'resolve_timeout in minutes spelled out',
    text: `global:
  resolve_timeout: 5min
route:
  receiver: default
receivers:
  - name: default
`,
    problems: [['resolve_timeout: unknown unit "min"', 2]],
  },
  {
    name: 'a zero repeat_interval (Route.UnmarshalYAML)',
    text: `route:
  receiver: default
  repeat_interval: 0s
receivers:
  - name: default
`,
    problems: [['repeat_interval cannot be zero', 3]],
  },
  {
    name: 'a receiver defined twice',
    text: `route:
  receiver: default
receivers:
  - name: default
  - name: default
`,
    problems: [['notification config name "default" is not unique', 5]],
  },
  {
    name: 'a root route without a receiver',
    text: `route:
  group_wait: 30s
receivers:
  - name: default
`,
    problems: [['root route must specify a default receiver', 1]],
  },
];
