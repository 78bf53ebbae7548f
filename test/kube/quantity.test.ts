// quantityAdvice: what someone who wrote an unparsable quantity meant. The suffixes are
// Kubernetes' (apimachinery resource.Quantity: Ki Mi Gi Ti Pi Ei binary, k M G T P E decimal,
// m milli); the advice names both readings when the unit was ambiguous.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quantity, quantityAdvice } from '../../kube/quantity.ts';

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
