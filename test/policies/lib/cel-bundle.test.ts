// The CEL evaluator bundled once per install (policies/lib/cel-bundle.ts) against its packages: the bundle is what
// celModules() loads once it is built, and every rule below (Kubernetes's CEL libraries through cel-kubernetes.ts,
// whose messages must be the bundled evaluator's own, and the strings extension) gives what the packages give.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCelBundle, celModules, celModulesFromPackages, type CelModules } from '../../../policies/lib/cel-bundle.ts';
import { kubernetesCelFuncs } from '../../../policies/lib/cel-kubernetes.ts';

const rules = [
  "quantity('1Gi').isGreaterThan(quantity('512Mi'))",
  "quantity('1.5').asApproximateFloat() == 1.5",
  "isQuantity('5Gb')",
  "quantity(self.mem).add(quantity('1Mi')).compareTo(quantity('3Mi')) == 0",
  "ip('10.0.0.1').family() == 4 && cidr('10.0.0.0/8').containsIP(ip('10.0.0.1'))",
  "isIP('::1') && !isCIDR('10.0.0.0/33')",
  "url('https://example.com:8443/a?b=c').getPort() == '8443'",
  "'a,b,c'.split(',').size() == 3 && 'Hello'.lowerAscii() == 'hello'",
  "self.name.matches('^[a-z]+$')",
  "format.dns1123Label().validate(self.name).hasValue()",
  "self.items.all(x, x > 0) && self.items.exists_one(x, x == 2)",
  "isSorted(self.items) && sum(self.items) == 6",
  "self.items.indexOf(3) == 2",
  "quantity('1Gi').sign() == 1 && quantity('x')",
  "1 / 0 == 1",
];

/** What a rule evaluates to with these modules: its value, or the error's message. */
function outcomes(m: CelModules): string[] {
  const env = m.cel.celEnv({ funcs: [...m.ext.strings, ...kubernetesCelFuncs(m)] });
  const self = { name: 'Web', mem: '2Mi', items: [1, 2, 3] };
  return rules.map((rule) => {
    try {
      const r = (m.cel.plan(env, m.cel.parse(rule)) as (ctx: Record<string, unknown>) => unknown)({ self });
      return m.cel.isCelError(r) ? `error: ${(r as Error).message}` : `${typeof r}: ${String(r)}`;
    } catch (err) {
      return `threw: ${(err as Error).message.split('\n')[0]}`;
    }
  });
}

test('the bundled CEL evaluator is what celModules() loads, and it gives the packages\' results', async () => {
  await buildCelBundle();
  const bundled = celModules();
  const packages = celModulesFromPackages();
  assert.notEqual(bundled.cel, packages.cel, 'celModules() did not load the bundle');
  assert.notEqual(bundled.protobuf, packages.protobuf);
  const expected = outcomes(packages);
  // the rules reach both outcomes: values and errors
  assert.ok(expected.filter((o) => o === 'boolean: true').length >= 10, expected.join('\n'));
  assert.ok(expected.some((o) => o.startsWith('error') || o.startsWith('threw')), expected.join('\n'));
  assert.deepEqual(outcomes(bundled), expected);
});
