// quantityAdvice: what someone who wrote an unparsable quantity meant. The suffixes are
// Kubernetes' (apimachinery resource.Quantity: Ki Mi Gi Ti Pi Ei binary, k M G T P E decimal,
// m milli); the advice names both readings when the unit was ambiguous.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isIntegerQuantity, parseQuantity, quantity, quantityAdvice, scaledValue } from '../../kube/quantity.ts';

const table: [string, string | undefined][] = [
  ['512mb', 'write 512Mi (mebibytes) or 512M (megabytes); suffixes are case-sensitive and have no B'],
  ['512MB', 'write 512Mi (mebibytes) or 512M (megabytes); suffixes are case-sensitive and have no B'],
  ['1gb', 'write 1Gi (gibibytes) or 1G (gigabytes); suffixes are case-sensitive and have no B'],
  ['2Kb', 'write 2Ki (kibibytes) or 2k (kilobytes); suffixes are case-sensitive and have no B'],
  ['1gib', 'write 1Gi (gibibytes)'],
  ['5mi', 'write 5Mi (mebibytes)'],
  ['512 Mi', 'write 512Mi without the space'],
  ['100b', 'write 100 (bytes: a quantity without a unit)'],
  ['512Mi', undefined], // valid: nothing to advise
  ['abc', undefined],
  ['12x', undefined],
];

for (const [input, want] of table) test(`${JSON.stringify(input)} → ${want ?? 'no advice'}`, () => assert.equal(quantityAdvice(input), want));

test('every suggested spelling parses as a quantity', () => {
  for (const [input, want] of table) {
    for (const m of (want ?? '').matchAll(/write (\S+)|or (\S+) \(/g)) assert.ok(!Number.isNaN(quantity(m[1] ?? m[2])), `${input}: ${m[1] ?? m[2]} does not parse`);
  }
});

// The parser is resource.ParseQuantity's port (kube/quantity.ts); these pin what the policies' readers take from it.
const values: [unknown, number][] = [
  ['512Mi', 512 * 2 ** 20],
  [' 512Mi ', 512 * 2 ** 20], // Quantity.UnmarshalJSON trims the text before ParseQuantity
  ['250m', 0.25],
  ['.5', 0.5],
  ['1.', 1],
  ['+1', 1],
  ['1E', 1e18], // E is the exa suffix, not an exponent
  ['2e3', 2000],
  [0.5, 0.5], // a JSON number: its text is parsed
  ['1e3Mi', NaN], // suffix "e3Mi" is neither a suffix nor an exponent: ParseQuantity's errSuffix
  ['512mb', NaN],
  ['', NaN],
  [true, NaN],
];
for (const [input, want] of values) test(`quantity(${JSON.stringify(input)}) = ${want}`, () => assert.equal(quantity(input), want));

// amount_test.go TestInt64AmountAsScaledInt64 (the table of the Kubernetes versions whose overflow result is 0, as 1.31).
const asScaled: [string, bigint, number, number, bigint][] = [
  ['test when i.scale < scaled ', 100n, 0, 5, 1n],
  ['test when i.scale = scaled', 100n, 1, 1, 100n],
  ["test when i.scale > scaled and result doesn't overflow", 100n, 5, 2, 100000n],
  ['test when i.scale > scaled and result overflows', 876n, 30, 4, 0n],
  ['test when i.scale < 0 and fraction exists', 93n, -1, 0, 10n],
  ["test when i.scale < 0 and fraction doesn't exist", 100n, -1, 0, 10n],
  ['test when i.value < 0 and fraction exists', -1932n, 2, 4, -20n],
  ["test when i.value < 0 and fraction doesn't exists", -1900n, 2, 4, -19n],
];
for (const [name, value, scale, scaled, want] of asScaled) test(`AsScaledInt64: ${name}`, () => assert.equal(scaledValue({ kind: 'i', value, scale }, scaled), want));

// MilliValue() % 1000 == 0, as ValidateResourceQuantityValue asks it of integer resources.
const whole: [string, boolean][] = [
  ['1', true],
  ['0', true],
  ['2000m', true],
  ['1Ki', true],
  ['2e3', true],
  ['1500m', false],
  ['1.0001', false], // 1000.1 milli, rounded away from zero: 1001
  ['0.0001', false], // 0.1 milli rounds to 1
  ['100n', false],
];
for (const [input, want] of whole) test(`isIntegerQuantity(${input}) = ${want}`, () => assert.equal(isIntegerQuantity(parseQuantity(input)), want));
