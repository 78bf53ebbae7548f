// The expr subset (scripts/lib/rollouts/expr.ts) and EvaluateResult (analysis.ts), on the tables
// of argo-rollouts utils/evaluate/evaluate_test.go, plus the guards our templates rely on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateResult } from '../../../scripts/lib/rollouts/analysis.ts';
import { evalCondition, ExprError } from '../../../scripts/lib/rollouts/expr.ts';
import { conditionsFor } from '../../../generators/rollouts/analysis.ts';

describe('EvaluateResult (evaluate_test.go TestEvaluateResult*)', () => {
  const cases: [string, string, string, string][] = [
    ['WithSuccess', 'true', 'false', 'Successful'],
    ['WithFailure', 'true', 'true', 'Failed'],
    ['Inconclusive', 'false', 'false', 'Inconclusive'],
    ['NoSuccessConditionAndNotFailing', '', 'false', 'Successful'],
    ['NoFailureConditionAndNotSuccessful', 'false', '', 'Failed'],
    ['NoFailureConditionAndNoSuccessCondition', '', '', 'Successful'],
    ['WithErrorOnSuccessCondition', 'a == true', 'true', 'Error'],
    ['WithErrorOnFailureCondition', 'true', 'a == true', 'Error'],
  ];
  for (const [name, successCondition, failureCondition, phase] of cases)
    it(name, () => assert.equal(evaluateResult(true, { successCondition, failureCondition }).phase, phase));
});

describe('EvalCondition (evaluate_test.go)', () => {
  it('TestEvaluateConditionWithSuccess / WithFailure', () => {
    assert.equal(evalCondition(true, 'result == true'), true);
    assert.equal(evalCondition(true, 'result == false'), false);
  });
  it('TestErrorWithNonBoolReturn: "expected bool, but got int"', () => assert.throws(() => evalCondition(true, '1'), /^ExprError: expected bool, but got int$|expected bool, but got int/));
  it('TestErrorWithInvalidReference: "unknown name invalidVariable"', () => assert.throws(() => evalCondition(true, 'invalidVariable'), /unknown name invalidVariable/));
  it('TestEvaluateInOperator', () => assert.equal(evalCondition([2, 2], '2 in result'), true));
  it('TestEvaluateFloat64', () => assert.equal(evalCondition(5, 'result > 1'), true));
  it('TestEvaluateInvalidStruct: an error', () => assert.throws(() => evalCondition(true, "result.Name() == 'hi'"), ExprError));
  it('TestEvaluateAsIntPanic: an error', () => assert.throws(() => evalCondition('1.1', 'asInt(result) == 1.1'), ExprError));
  it('TestEvaluateAsInt', () => {
    for (const [input, expr] of [['1', 'asInt(result) == 1'], [1, 'asInt(result) == 1'], [1.123, 'asInt(result) == 1']] as const) assert.equal(evalCondition(input, expr), true);
  });
  it('TestEvaluateAsFloatError', () => {
    assert.throws(() => evalCondition('NotANum', 'asFloat(result) == 1.1'), /strconv.ParseFloat: parsing "NotANum": invalid syntax/);
    assert.throws(() => evalCondition('1.1', 'asFloat(result) == "1.1"'), /invalid operation: == \(mismatched types/);
  });
  it('TestEvaluateAsFloat', () => {
    for (const [input, expr] of [['1.1', 'asFloat(result) == 1.1'], ['1.1', 'asFloat(result) >= 1.1'], ['1.1', 'asFloat(result) <= 1.1'], [1.1, 'asFloat(result) == 1.1'], [1, 'asFloat(result) == 1'], [1, 'asFloat(result) >= 1']] as const)
      assert.equal(evalCondition(input, expr), true, expr);
  });
  it('TestEvaluateArray (closures): outside the subset, rejected with a message rather than guessed', () =>
    assert.throws(() => evalCondition([2, 2], 'all(result, {# > 1})'), /unsupported in this expr subset: function all\(\)/));
  it('isNaN and isInf (evaluate.go env)', () => {
    assert.equal(evalCondition(NaN, 'isNaN(result)'), true);
    assert.equal(evalCondition(Infinity, 'isInf(result)'), true);
    assert.equal(evalCondition(0, 'isInf(result)'), false);
  });
});

describe('the trap and its guard', () => {
  it('result[0] on an empty vector is an expression error, so an Error measurement', () => {
    assert.throws(() => evalCondition([], 'result[0] <= 0.01'), /index out of range/);
    assert.equal(evaluateResult([], { successCondition: 'result[0] <= 0.01' }).phase, 'Error');
  });
  it('NaN compares false both ways: with the naive conditions it is Inconclusive, never Successful', () =>
    assert.equal(evaluateResult([NaN], { successCondition: 'result[0] <= 0.01', failureCondition: 'result[0] > 0.01' }).phase, 'Inconclusive'));
  const c = conditionsFor(0.01);
  for (const [result, phase] of [[[0], 'Successful'], [[0.01], 'Successful'], [[0.02], 'Failed'], [[], 'Inconclusive'], [[NaN], 'Inconclusive'], [[0, 1], 'Inconclusive']] as const)
    it(`generated conditions: ${JSON.stringify(result).replace('null', 'NaN')} → ${phase}`, () => assert.equal(evaluateResult([...result], c).phase, phase));
  it('&& short-circuits: len(result) == 1 guards the index (expr compiler OpJumpIfFalse)', () => assert.equal(evalCondition([], 'len(result) == 1 && result[0] > 1'), false));
});
