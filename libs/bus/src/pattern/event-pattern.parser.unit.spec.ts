import { LedgerError } from '@ledger/errors';
import { InvalidEventPatternError, parseEventPattern } from './index';

/** The reason EventBridge would give for refusing the pattern, or undefined if it is accepted. */
function rejection(pattern: string | object): string | undefined {
  try {
    parseEventPattern(pattern);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidEventPatternError) return error.reason;
    throw error;
  }
}

describe('InvalidEventPatternError', () => {
  it('is a LedgerError with code invalid_event_pattern and status 400', () => {
    let caught: unknown;
    try {
      parseEventPattern('[1]');
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(LedgerError);
    expect(caught).toMatchObject({ code: 'invalid_event_pattern', status: 400 });
    expect((caught as InvalidEventPatternError).message).toBe(
      'Event pattern is not valid. Reason: Filter is not an object',
    );
    expect((caught as InvalidEventPatternError).details()).toEqual({
      reason: 'Filter is not an object',
    });
  });
});

// "Event pattern syntax": a pattern is a JSON object whose values are arrays or nested objects.
describe('pattern structure', () => {
  it('accepts the documented EC2 pattern, as text or as an object', () => {
    const pattern = { source: ['aws.ec2'], detail: { state: ['terminated'] } };

    expect(rejection(pattern)).toBeUndefined();
    expect(rejection(JSON.stringify(pattern))).toBeUndefined();
  });

  it('rejects text that is not JSON', () => {
    expect(rejection("{'bad': 'quotation'}")).toMatch(/^Filter is not valid JSON/);
  });

  it('rejects JSON that is not an object', () => {
    for (const pattern of ['["not", "a", "dict"]', '"text"', 'null', '42']) {
      expect(rejection(pattern)).toBe('Filter is not an object');
    }
    expect(rejection([])).toBe('Filter is not an object');
  });

  it('rejects a leaf that is not an array', () => {
    expect(rejection({ string: 'my-value' })).toBe('"string" must be an object or an array');
    expect(rejection({ int: 42 })).toBe('"int" must be an object or an array');
    expect(rejection({ detail: { flag: null } })).toBe('"flag" must be an object or an array');
  });

  it('rejects empty arrays and empty objects', () => {
    expect(rejection({ resources: [] })).toBe('Empty arrays are not allowed');
    expect(rejection({})).toBe('Empty objects are not allowed');
    expect(rejection({ detail: {} })).toBe('Empty objects are not allowed');
  });

  it('rejects match values that are neither scalars nor operator objects', () => {
    expect(rejection({ source: [['aws.ec2']] })).toBe(
      'Match value must be String, number, true, false, or null',
    );
  });

  it('accepts strings, numbers, booleans and null as match values', () => {
    expect(rejection({ detail: { v: ['x', 1, 2.5, true, false, null, ''] } })).toBeUndefined();
  });

  it('rejects a pattern nested beyond the safety limit', () => {
    let pattern: Record<string, unknown> = { leaf: ['x'] };
    for (let level = 0; level < 300; level++) pattern = { nested: pattern };

    expect(rejection(pattern)).toBe('Event pattern is nested too deeply');
  });
});

// "Comparison operators for use in event patterns in Amazon EventBridge": operator syntax.
describe('operator objects', () => {
  it('rejects an unknown operator, and operators in another case', () => {
    expect(rejection({ detail: { n: [{ foo: 1 }] } })).toBe('Unrecognized match type foo');
    expect(rejection({ detail: { equal: [{ NUMERIC: ['=', 5] }] } })).toBe(
      'Unrecognized match type NUMERIC',
    );
    expect(rejection({ my_key: [{ EXISTS: true }] })).toBe('Unrecognized match type EXISTS');
  });

  it('rejects an empty operator object and one with two operators', () => {
    expect(rejection({ source: [{}] })).toBe('Match expression name not found');
    expect(rejection({ source: [{ prefix: 'a', suffix: 'b' }] })).toBe(
      'Only one key allowed in match expression',
    );
  });

  it('rejects prefix and suffix values that are not strings', () => {
    expect(rejection({ time: [{ prefix: 123 }] })).toBe('prefix match pattern must be a string');
    expect(rejection({ time: [{ prefix: ['2022-07-13'] }] })).toBe(
      'prefix match pattern must be a string',
    );
    expect(rejection({ FileName: [{ suffix: ['.png'] }] })).toBe(
      'suffix match pattern must be a string',
    );
  });

  it('rejects a prefix modifier other than equals-ignore-case', () => {
    expect(rejection({ time: [{ prefix: { wildcard: 'x' } }] })).toBe(
      'Unsupported prefix pattern: wildcard',
    );
  });

  it('rejects equals-ignore-case values that are not strings', () => {
    expect(rejection({ 'detail-type': [{ 'equals-ignore-case': ['ec2'] }] })).toBe(
      'equals-ignore-case match pattern must be a string',
    );
    expect(rejection({ 'detail-type': [{ 'equals-ignore-case': { prefix: 'ec2' } }] })).toBe(
      'equals-ignore-case match pattern must be a string',
    );
  });

  it('rejects exists values that are not booleans', () => {
    expect(rejection({ detail: { x: [{ exists: 'true' }] } })).toBe(
      'exists match pattern must be either true or false.',
    );
  });
});

// "Comparison operators for use in event patterns in Amazon EventBridge": Numeric.
describe('numeric validation', () => {
  it('accepts single comparisons and ranges with the lower bound first', () => {
    for (const terms of [
      ['=', 100],
      ['<', 10],
      ['<=', 10],
      ['>', 0],
      ['>=', 0],
      ['>', 0, '<=', 5],
      ['>=', -5e9, '<', 5e9],
    ]) {
      expect(rejection({ detail: { n: [{ numeric: terms }] } })).toBeUndefined();
    }
  });

  it('rejects bad operators, operands and shapes', () => {
    const reason = (terms: unknown): string | undefined =>
      rejection({ detail: { n: [{ numeric: terms }] } });

    expect(reason('> 5')).toBe('Value of numeric must be an array.');
    expect(reason([])).toBe('Invalid member in numeric match: ]');
    expect(reason([5, '>'])).toBe('Invalid member in numeric match: 5');
    expect(reason(['!=', 5])).toBe('Unrecognized numeric range operator: !=');
    expect(reason(['=', '5'])).toBe('Value of equals must be numeric');
    expect(reason(['>', 0, '<'])).toBe('Value of < must be numeric');
    expect(reason(['>', 0, '>', 0])).toBe('Bad numeric range operator: >');
    expect(reason(['<', 10, '>', 0])).toBe('Too many elements in numeric expression');
    expect(reason(['=', 1, '<', 2])).toBe('Too many elements in numeric expression');
    expect(reason(['>', 0, '<', 5, '<', 6])).toBe('Too many terms in numeric range expression');
    expect(reason(['>', 5, '<', 5])).toBe('Bottom must be less than top');
  });

  it('rejects operands outside ±5e9 or with more than six decimals', () => {
    expect(rejection({ n: [{ numeric: ['>', 5.1e9] }] })).toBe(
      'Value must be between -5.0E9 and 5.0E9, inclusive',
    );
    expect(rejection({ n: [{ numeric: ['>', 0.0000001] }] })).toMatch(/upto 6 decimals/);
    expect(rejection({ n: [{ numeric: ['>', 0.000001] }] })).toBeUndefined();
  });
});

// "Comparison operators for use in event patterns in Amazon EventBridge": Anything-but.
describe('anything-but validation', () => {
  const reason = (operand: unknown): string | undefined =>
    rejection({ detail: { state: [{ 'anything-but': operand }] } });

  it('accepts the documented forms', () => {
    for (const operand of [
      'initializing',
      123,
      ['stopped', 'overloaded'],
      [100, 200, 300],
      { prefix: 'init' },
      { suffix: '.txt' },
      { 'equals-ignore-case': ['Stopped', 'OverLoaded'] },
      { wildcard: '*/lib/*' },
      { wildcard: '' },
    ]) {
      expect(reason(operand)).toBeUndefined();
    }
  });

  it('rejects null, booleans and mixed lists', () => {
    expect(reason(null)).toBe(
      'Value of anything-but must be an array or single string/number value.',
    );
    expect(reason(['a', null])).toBe(
      'Inside anything but list, start|null|boolean is not supported.',
    );
    expect(reason(['a', 1])).toMatch(/mixed type is not supported/);
    expect(reason([])).toMatch(/mixed type is not supported/);
  });

  it('rejects unsupported and malformed modifiers', () => {
    expect(reason({ exists: true })).toBe('Unsupported anything-but pattern: exists');
    expect(reason({ prefix: 123 })).toBe('prefix/suffix match pattern must be a string');
    expect(reason({ suffix: [123, '.txt'] })).toBe('prefix/suffix match pattern must be a string');
    expect(reason({ prefix: '' })).toBe('Null prefix/suffix not allowed');
    expect(reason({ 'equals-ignore-case': [123, 456] })).toBe(
      'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
    );
    expect(reason({ wildcard: 123 })).toBe('wildcard match pattern must be a string');
    expect(reason({ prefix: { 'equals-ignore-case': 'file' } })).toBe(
      'Value of anything-but must be an array or single string/number value.',
    );
    expect(reason({ prefix: 'a', suffix: 'b' })).toBe('Only one key allowed in match expression');
  });

  it('rejects numbers EventBridge cannot compare', () => {
    expect(reason(6e9)).toBe('Value must be between -5.0E9 and 5.0E9, inclusive');
  });
});

// "Comparison operators for use in event patterns in Amazon EventBridge": Wildcard.
describe('wildcard validation', () => {
  const reason = (wildcard: unknown): string | undefined =>
    rejection({ EventBusArn: [{ wildcard }] });

  it('rejects consecutive wildcards, reporting the position as EventBridge does', () => {
    expect(reason('arn:aws:events:us-east-1:**:event-bus/*')).toBe(
      'Consecutive wildcard characters at pos 26',
    );
  });

  it('rejects escapes other than \\* and \\\\', () => {
    expect(reason('a\\b')).toBe('Invalid escape character at pos 2');
    expect(reason('trailing\\')).toBe('Invalid escape character at pos 9');
    expect(reason('a\\*\\\\*')).toBeUndefined();
  });

  it('rejects values that are not strings', () => {
    expect(reason(123)).toBe('wildcard match pattern must be a string');
    expect(reason(['*.png'])).toBe('wildcard match pattern must be a string');
  });
});

// "Content filtering in Amazon EventBridge event patterns": IP address matching.
describe('cidr validation', () => {
  const reason = (cidr: unknown): string | undefined =>
    rejection({ detail: { sourceIPAddress: [{ cidr }] } });

  it('accepts IPv4 and IPv6 blocks', () => {
    expect(reason('10.0.0.0/24')).toBeUndefined();
    expect(reason('2001:db8::/32')).toBeUndefined();
  });

  it('rejects malformed blocks', () => {
    expect(reason('10.0.0.0')).toBe("Malformed CIDR, one '/' required");
    expect(reason('10.0.0.0/x')).toBe('Malformed CIDR, mask bits must be an integer');
    expect(reason('10.0.0.0/-1')).toBe('Malformed CIDR, mask bits must not be negative');
    expect(reason('xx.11.xx/24')).toBe('Nonstandard IP address: xx.11.xx');
    expect(reason('xxxx:db8:1234:1a00::/64')).toBe('Nonstandard IP address: xxxx:db8:1234:1a00::');
    expect(reason('10.0.0.256/24')).toBe('Invalid IP address: 10.0.0.256');
    expect(reason('10.0.0.0/32')).toBe('IPv4 mask bits must be < 32');
    expect(reason('2001:db8::/128')).toBe('IPv6 mask bits must be < 128');
    expect(reason(['10.0.0.0/24'])).toBe('cidr match pattern must be a string');
  });
});

// "Comparison operators for use in event patterns in Amazon EventBridge": Or (multiple fields).
describe('$or validation', () => {
  it('rejects $or that is not an array of at least two objects', () => {
    expect(rejection({ $or: { a: ['x'] } })).toBe('It must be an Array followed with $or.');
    expect(rejection({ $or: [{ a: ['x'] }] })).toBe(
      'There must have at least 2 Objects in $or relationship.',
    );
    expect(rejection({ $or: [{ a: ['x'] }, ['b']] })).toBe(
      'Only JSON object is allowed in array of $or relationship.',
    );
    expect(rejection({ detail: { $or: [] } })).toBe(
      'There must have at least 2 Objects in $or relationship.',
    );
  });

  it('rejects empty branches and operator names used as field names inside $or', () => {
    expect(rejection({ $or: [{ a: ['x'] }, {}] })).toBe('Empty objects are not allowed');
    expect(rejection({ $or: [{ numeric: [123] }, { prefix: ['abc'] }] })).toMatch(
      /^numeric is a reserved keyword/,
    );
  });

  it('validates the branches themselves', () => {
    expect(rejection({ $or: [{ a: ['x'] }, { b: 'y' }] })).toBe(
      '"b" must be an object or an array',
    );
  });
});
