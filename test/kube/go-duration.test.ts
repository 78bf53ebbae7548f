// Go's time.ParseDuration, against Go's own tables: golang/go src/time/time_test.go parseDurationTests
// (value in nanoseconds, written as Go writes it) and parseDurationErrorTests (a fragment of the error).
// Not ported: the rows of invalid UTF-8 bytes ("\x85\x85", "\xffff"…), which a JavaScript string cannot hold.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goDurationError, parseGoDuration } from '../../kube/go-duration.ts';

const Nanosecond = 1n;
const Microsecond = 1000n * Nanosecond;
const Millisecond = 1000n * Microsecond;
const Second = 1000n * Millisecond;
const Minute = 60n * Second;
const Hour = 60n * Minute;

const parseDurationTests: [string, bigint][] = [
  // simple
  ['0', 0n],
  ['5s', 5n * Second],
  ['30s', 30n * Second],
  ['1478s', 1478n * Second],
  // sign
  ['-5s', -5n * Second],
  ['+5s', 5n * Second],
  ['-0', 0n],
  ['+0', 0n],
  // decimal
  ['5.0s', 5n * Second],
  ['5.6s', 5n * Second + 600n * Millisecond],
  ['5.s', 5n * Second],
  ['.5s', 500n * Millisecond],
  ['1.0s', 1n * Second],
  ['1.00s', 1n * Second],
  ['1.004s', 1n * Second + 4n * Millisecond],
  ['1.0040s', 1n * Second + 4n * Millisecond],
  ['100.00100s', 100n * Second + 1n * Millisecond],
  // different units
  ['10ns', 10n * Nanosecond],
  ['11us', 11n * Microsecond],
  ['12µs', 12n * Microsecond], // U+00B5
  ['12μs', 12n * Microsecond], // U+03BC
  ['13ms', 13n * Millisecond],
  ['14s', 14n * Second],
  ['15m', 15n * Minute],
  ['16h', 16n * Hour],
  // composite durations
  ['3h30m', 3n * Hour + 30n * Minute],
  ['10.5s4m', 4n * Minute + 10n * Second + 500n * Millisecond],
  ['-2m3.4s', -(2n * Minute + 3n * Second + 400n * Millisecond)],
  ['1h2m3s4ms5us6ns', 1n * Hour + 2n * Minute + 3n * Second + 4n * Millisecond + 5n * Microsecond + 6n * Nanosecond],
  ['39h9m14.425s', 39n * Hour + 9n * Minute + 14n * Second + 425n * Millisecond],
  // large value
  ['52763797000ns', 52763797000n * Nanosecond],
  // more than 9 digits after decimal point, see https://golang.org/issue/6617
  ['0.3333333333333333333h', 20n * Minute],
  // 9007199254740993 = 1<<53+1 cannot be stored precisely in a float64
  ['9007199254740993ns', ((1n << 53n) + 1n) * Nanosecond],
  // largest duration that can be represented by int64 in nanoseconds
  ['9223372036854775807ns', ((1n << 63n) - 1n) * Nanosecond],
  ['9223372036854775.807us', ((1n << 63n) - 1n) * Nanosecond],
  ['9223372036s854ms775us807ns', ((1n << 63n) - 1n) * Nanosecond],
  ['-9223372036854775808ns', -(1n << 63n) * Nanosecond],
  ['-9223372036854775.808us', -(1n << 63n) * Nanosecond],
  ['-9223372036s854ms775us808ns', -(1n << 63n) * Nanosecond],
  // largest negative value
  ['-9223372036854775808ns', -(1n << 63n) * Nanosecond],
  // largest negative round trip value, see https://golang.org/issue/48629
  ['-2562047h47m16.854775808s', -(1n << 63n) * Nanosecond],
  // huge string; issue 15011.
  ['0.100000000000000000000h', 6n * Minute],
  // This value tests the first overflow check in leadingFraction.
  ['0.830103483285477580700h', 49n * Minute + 48n * Second + 372539827n * Nanosecond],
];

const parseDurationErrorTests: [string, string][] = [
  // invalid
  ['', '""'],
  ['3', '"3"'],
  ['-', '"-"'],
  ['s', '"s"'],
  ['.', '"."'],
  ['-.', '"-."'],
  ['.s', '".s"'],
  ['+.s', '"+.s"'],
  ['1d', '"1d"'],
  // overflow
  ['9223372036854775810ns', '"9223372036854775810ns"'],
  ['9223372036854775808ns', '"9223372036854775808ns"'],
  ['-9223372036854775809ns', '"-9223372036854775809ns"'],
  ['9223372036854776us', '"9223372036854776us"'],
  ['3000000h', '"3000000h"'],
  ['9223372036854775.808us', '"9223372036854775.808us"'],
  ['9223372036854ms775us808ns', '"9223372036854ms775us808ns"'],
];

test('time_test.go parseDurationTests: each parses to the nanoseconds Go expects', () => {
  for (const [input, want] of parseDurationTests) assert.equal(parseGoDuration(input), want, input);
});

test('time_test.go parseDurationErrorTests: each is refused, the error quoting the input', () => {
  for (const [input, expect] of parseDurationErrorTests) {
    const err = goDurationError(input);
    assert.ok(err?.includes(expect), `${JSON.stringify(input)}: ${err}`);
  }
  // "\uFFFD" (utf8.RuneError): Go quotes its bytes, JSON.stringify the character; both refuse it
  assert.ok(goDurationError('\uFFFD'));
  assert.ok(goDurationError('\uFFFD hello \uFFFD world'));
});

test('the texts ExternalSecret and SyncWindow users see: unknown unit and missing unit', () => {
  assert.equal(goDurationError('15 minutes'), 'time: unknown unit " minutes" in duration "15 minutes"');
  assert.equal(goDurationError('1d'), 'time: unknown unit "d" in duration "1d"');
  assert.equal(goDurationError('90'), 'time: missing unit in duration "90"');
});
