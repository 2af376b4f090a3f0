import { matchesEventPattern, parseEventPattern } from './index';

/** An envelope with the given fields; the rest are the fixed values EventBridge always sets. */
function envelope(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '111122223333',
    time: '2017-12-22T18:43:48Z',
    region: 'us-west-1',
    resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
    detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
    ...fields,
  };
}

/** An envelope whose detail is exactly the given object. */
function withDetail(detail: Record<string, unknown>): Record<string, unknown> {
  return envelope({ detail });
}

// "Creating Amazon EventBridge event patterns": the EC2 instance-termination example.
describe('exact values', () => {
  const pattern = {
    source: ['aws.ec2'],
    'detail-type': ['EC2 Instance State-change Notification'],
    detail: { state: ['terminated'] },
  };

  it('matches the documented EC2 termination event', () => {
    expect(matchesEventPattern(pattern, envelope())).toBe(true);
  });

  it('does not match another state', () => {
    expect(matchesEventPattern(pattern, withDetail({ state: 'running' }))).toBe(false);
  });

  it('matches when any value of the match array matches (OR)', () => {
    expect(matchesEventPattern({ source: ['aws.fargate', 'aws.ec2'] }, envelope())).toBe(true);
  });

  it('does not match when one field of the pattern fails (AND)', () => {
    const event = envelope({ source: 'aws.fargate' });

    expect(matchesEventPattern(pattern, event)).toBe(false);
  });

  it('does not match a field missing from the event', () => {
    expect(matchesEventPattern({ detail: { missing: ['terminated'] } }, envelope())).toBe(false);
  });

  it('does not match case-insensitively', () => {
    expect(matchesEventPattern({ source: ['AWS.EC2'] }, envelope())).toBe(false);
  });

  it('matches any top-level envelope field', () => {
    const compiled = parseEventPattern({
      version: ['0'],
      id: ['6a7e8feb-b491-4cf7-a9f1-bf3703467718'],
      account: ['111122223333'],
      region: ['us-west-1'],
      time: ['2017-12-22T18:43:48Z'],
    });

    expect(compiled.matches(envelope())).toBe(true);
    expect(compiled.matches(envelope({ account: '444455556666' }))).toBe(false);
  });

  it('matches numbers by value: 300 matches 300.0 and 3.0e2', () => {
    const compiled = parseEventPattern('{ "detail": { "number": [300] } }');

    expect(compiled.matches(JSON.parse('{ "detail": { "number": 300.0 } }'))).toBe(true);
    expect(compiled.matches(JSON.parse('{ "detail": { "number": 3.0e2 } }'))).toBe(true);
    expect(compiled.matches(withDetail({ number: 301 }))).toBe(false);
  });

  it('does not match across types: a number is not its string, true is not "true"', () => {
    expect(matchesEventPattern({ detail: { n: [5] } }, withDetail({ n: '5' }))).toBe(false);
    expect(matchesEventPattern({ detail: { n: ['5'] } }, withDetail({ n: 5 }))).toBe(false);
    expect(matchesEventPattern({ detail: { b: [true] } }, withDetail({ b: 'true' }))).toBe(false);
  });

  it('matches booleans', () => {
    expect(matchesEventPattern({ detail: { b: [true] } }, withDetail({ b: true }))).toBe(true);
    expect(matchesEventPattern({ detail: { b: [true] } }, withDetail({ b: false }))).toBe(false);
  });

  it('matches an IP literal however the event writes the same address', () => {
    const compiled = parseEventPattern({ detail: { ip: ['2001:db8::1'] } });

    expect(compiled.matches(withDetail({ ip: '2001:0db8:0:0:0:0:0:1' }))).toBe(true);
    expect(compiled.matches(withDetail({ ip: '2001:db8::2' }))).toBe(false);
  });

  it('does not match an object-valued field, which is not a leaf', () => {
    const event = withDetail({ state: { name: 'terminated' } });

    expect(matchesEventPattern({ detail: { state: ['terminated'] } }, event)).toBe(false);
  });
});

// "Matching events on null values and empty strings in Amazon EventBridge".
describe('null and empty string', () => {
  const event = envelope({
    'detail-type': 'EC2 Instance Launch Successful',
    source: 'aws.autoscaling',
    resources: [],
    detail: { eventVersion: '', responseElements: null },
  });

  it('matches an empty string with [""]', () => {
    expect(matchesEventPattern({ detail: { eventVersion: [''] } }, event)).toBe(true);
  });

  it('matches null with [null]', () => {
    expect(matchesEventPattern({ detail: { responseElements: [null] } }, event)).toBe(true);
  });

  it('does not match null with [""] nor "" with [null]: they are not interchangeable', () => {
    expect(matchesEventPattern({ detail: { responseElements: [''] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { eventVersion: [null] } }, event)).toBe(false);
  });

  it('does not match a missing field with [null]', () => {
    expect(matchesEventPattern({ detail: { absent: [null] } }, event)).toBe(false);
  });

  it('does not match an empty array with [null]', () => {
    expect(matchesEventPattern({ resources: [null] }, event)).toBe(false);
  });
});

// "Arrays in Amazon EventBridge event patterns".
describe('arrays', () => {
  const pattern = {
    resources: [
      'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
      'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
    ],
  };

  it('matches when the pattern array and the event array intersect', () => {
    const event = envelope({
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    });

    expect(matchesEventPattern(pattern, event)).toBe(true);
  });

  it('does not match when they do not intersect', () => {
    expect(matchesEventPattern(pattern, envelope())).toBe(false);
  });

  it('matches inside nested arrays', () => {
    expect(matchesEventPattern({ detail: { n: [3] } }, withDetail({ n: [[1, [2, 3]]] }))).toBe(
      true,
    );
  });

  it('matches a nested pattern against objects inside an event array', () => {
    const event = withDetail({
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
      ],
    });

    expect(matchesEventPattern({ detail: { employees: { firstName: ['Anna'] } } }, event)).toBe(
      true,
    );
  });

  it('does not combine fields from different elements of the same array', () => {
    const event = withDetail({
      employees: [
        { firstName: 'Anna', lastName: 'Smith' },
        { firstName: 'Peter', lastName: 'Jones' },
      ],
    });
    const pattern = { detail: { employees: { firstName: ['Anna'], lastName: ['Jones'] } } };

    expect(matchesEventPattern(pattern, event)).toBe(false);
  });
});

// "Comparison operators for use in event patterns in Amazon EventBridge": Begins with.
describe('prefix', () => {
  it('matches a time starting with 2017-10-02', () => {
    const pattern = { time: [{ prefix: '2017-10-02' }] };

    expect(matchesEventPattern(pattern, envelope({ time: '2017-10-02T18:43:48Z' }))).toBe(true);
  });

  it('does not match another day', () => {
    expect(matchesEventPattern({ time: [{ prefix: '2017-10-02' }] }, envelope())).toBe(false);
  });

  it('matches regions in Europe, per the Auto Scaling example', () => {
    const pattern = { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] };
    const event = envelope({ source: 'aws.autoscaling', region: 'eu-west-1' });

    expect(matchesEventPattern(pattern, event)).toBe(true);
    expect(matchesEventPattern(pattern, { ...event, region: 'us-east-1' })).toBe(false);
  });

  it('does not match a non-string value', () => {
    expect(matchesEventPattern({ detail: { n: [{ prefix: '12' }] } }, withDetail({ n: 123 }))).toBe(
      false,
    );
  });

  it('matches regardless of case with equals-ignore-case', () => {
    const pattern = { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } };

    expect(matchesEventPattern(pattern, withDetail({ service: 'EVENTBRIDGE' }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ service: 'eventbridge' }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ service: 'lambda' }))).toBe(false);
  });
});

// "Comparison operators for use in event patterns in Amazon EventBridge": Ends with.
describe('suffix', () => {
  it('matches a FileName ending with .png', () => {
    const pattern = { detail: { FileName: [{ suffix: '.png' }] } };

    expect(matchesEventPattern(pattern, withDetail({ FileName: 'image.png' }))).toBe(true);
  });

  it('does not match another extension, nor another case', () => {
    const pattern = { detail: { FileName: [{ suffix: '.png' }] } };

    expect(matchesEventPattern(pattern, withDetail({ FileName: 'image.jpg' }))).toBe(false);
    expect(matchesEventPattern(pattern, withDetail({ FileName: 'image.PNG' }))).toBe(false);
  });

  it('matches regardless of case with equals-ignore-case', () => {
    const pattern = { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } };

    expect(matchesEventPattern(pattern, withDetail({ FileName: 'IMAGE.PNG' }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ FileName: 'image.gif' }))).toBe(false);
  });
});

// "Comparison operators for use in event patterns in Amazon EventBridge": Equals (ignore case).
describe('equals-ignore-case', () => {
  const pattern = { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } };

  it('matches Alice, ALICE and alice', () => {
    for (const name of ['Alice', 'ALICE', 'alice']) {
      expect(matchesEventPattern(pattern, withDetail({ Name: name }))).toBe(true);
    }
  });

  it('does not match another name, nor a non-string', () => {
    expect(matchesEventPattern(pattern, withDetail({ Name: 'Bob' }))).toBe(false);
    expect(matchesEventPattern(pattern, withDetail({ Name: null }))).toBe(false);
  });

  it('matches an empty string only with an empty string', () => {
    const empty = { detail: { value: [{ 'equals-ignore-case': '' }] } };

    expect(matchesEventPattern(empty, withDetail({ value: '' }))).toBe(true);
    expect(matchesEventPattern(empty, withDetail({ value: 'test-value' }))).toBe(false);
  });
});

// "Content filtering in Amazon EventBridge event patterns" and "Comparison operators ...": Anything-but.
describe('anything-but', () => {
  it('matches any state but initializing', () => {
    const pattern = { detail: { state: [{ 'anything-but': 'initializing' }] } };

    expect(matchesEventPattern(pattern, withDetail({ state: 'running' }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ state: 'initializing' }))).toBe(false);
  });

  it('matches any x-limit but 123, comparing numbers by value', () => {
    const pattern = { detail: { 'x-limit': [{ 'anything-but': 123 }] } };

    expect(matchesEventPattern(pattern, withDetail({ 'x-limit': 124 }))).toBe(true);
    expect(matchesEventPattern(pattern, JSON.parse('{"detail":{"x-limit":123.0}}'))).toBe(false);
  });

  it('matches a state outside the list ["stopped", "overloaded"]', () => {
    const pattern = { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } };

    expect(matchesEventPattern(pattern, withDetail({ state: 'running' }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ state: 'overloaded' }))).toBe(false);
  });

  it('matches an x-limit outside the list [100, 200, 300]', () => {
    const pattern = { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } };

    expect(matchesEventPattern(pattern, withDetail({ 'x-limit': 301.8 }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ 'x-limit': 200 }))).toBe(false);
  });

  it('matches a state that does not start with init', () => {
    const pattern = { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } };

    expect(matchesEventPattern(pattern, withDetail({ state: 'running' }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ state: 'initializing' }))).toBe(false);
  });

  it('matches a FileName that does not end with .txt', () => {
    const pattern = { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } };

    expect(matchesEventPattern(pattern, withDetail({ FileName: 'notes.md' }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ FileName: 'notes.txt' }))).toBe(false);
  });

  it('matches a state that is none of the listed ones in any case', () => {
    const pattern = {
      detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Stopped', 'OverLoaded'] } }] },
    };

    expect(matchesEventPattern(pattern, withDetail({ state: 'running' }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ state: 'STOPPED' }))).toBe(false);
    expect(matchesEventPattern(pattern, withDetail({ state: 'overloaded' }))).toBe(false);
  });

  it('matches a FilePath that does not include /lib/', () => {
    const pattern = { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } };

    expect(matchesEventPattern(pattern, withDetail({ FilePath: '/usr/bin/env' }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ FilePath: '/usr/lib/node' }))).toBe(false);
  });

  it('matches a FilePath outside a list of wildcards', () => {
    const pattern = {
      detail: { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] },
    };

    expect(matchesEventPattern(pattern, withDetail({ FilePath: '/home/me' }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ FilePath: '/usr/bin/env' }))).toBe(false);
  });

  it('does not match a missing field', () => {
    const pattern = { detail: { state: [{ 'anything-but': 'initializing' }] } };

    expect(matchesEventPattern(pattern, withDetail({ other: 'x' }))).toBe(false);
  });

  it('matches null and values of another type, which are not the excluded value', () => {
    const pattern = { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } };

    expect(matchesEventPattern(pattern, withDetail({ state: null }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ state: 12 }))).toBe(true);
  });

  it('matches an event array when one element is not excluded', () => {
    const pattern = { detail: { states: [{ 'anything-but': 'stopped' }] } };

    expect(matchesEventPattern(pattern, withDetail({ states: ['stopped', 'running'] }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ states: ['stopped'] }))).toBe(false);
  });
});

// "Content filtering in Amazon EventBridge event patterns": Numeric matching.
describe('numeric', () => {
  const pattern = {
    detail: {
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'd-count': [{ numeric: ['<', 10] }],
      'x-limit': [{ numeric: ['=', 3.018e2] }],
    },
  };

  it('matches the documented event (c-count 5, d-count 3, x-limit 301.8)', () => {
    const event = withDetail({ 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 });

    expect(matchesEventPattern(pattern, event)).toBe(true);
  });

  it('does not match when one comparison fails', () => {
    expect(
      matchesEventPattern(pattern, withDetail({ 'c-count': 0, 'd-count': 3, 'x-limit': 301.8 })),
    ).toBe(false);
    expect(
      matchesEventPattern(pattern, withDetail({ 'c-count': 5, 'd-count': 10, 'x-limit': 301.8 })),
    ).toBe(false);
  });

  it('honours inclusive and exclusive bounds', () => {
    const range = parseEventPattern({ detail: { n: [{ numeric: ['>=', 10, '<', 20] }] } });

    expect(range.matches(withDetail({ n: 10 }))).toBe(true);
    expect(range.matches(withDetail({ n: 19.999 }))).toBe(true);
    expect(range.matches(withDetail({ n: 20 }))).toBe(false);
    expect(range.matches(withDetail({ n: 9.5 }))).toBe(false);
  });

  it('matches a float against an integer bound', () => {
    const event = JSON.parse('{ "detail": { "number": 101.0 } }');

    expect(matchesEventPattern({ detail: { number: [{ numeric: ['>', 100] }] } }, event)).toBe(
      true,
    );
  });

  it('does not match numeric strings, null or a missing field', () => {
    const price = { detail: { Price: [{ numeric: ['=', 100] }] } };

    expect(matchesEventPattern(price, withDetail({ Price: 100 }))).toBe(true);
    expect(matchesEventPattern(price, withDetail({ Price: '100' }))).toBe(false);
    expect(matchesEventPattern(price, withDetail({ Price: null }))).toBe(false);
    expect(matchesEventPattern(price, withDetail({}))).toBe(false);
  });

  it('does not match event values beyond the comparable range of ±5e9', () => {
    const positive = { detail: { n: [{ numeric: ['>', 0] }] } };

    expect(matchesEventPattern(positive, withDetail({ n: 5e9 }))).toBe(true);
    expect(matchesEventPattern(positive, withDetail({ n: 6e9 }))).toBe(false);
  });
});

// "Content filtering in Amazon EventBridge event patterns": Exists matching.
describe('exists', () => {
  const absent = { detail: { 'c-count': [{ exists: false }] } };
  const present = { detail: { 'c-count': [{ exists: true }] } };

  it('exists:false matches an event without detail.c-count', () => {
    expect(matchesEventPattern(absent, withDetail({ state: ['initializing', 'running'] }))).toBe(
      true,
    );
  });

  it('exists:false also matches when c-count is an object, because it is not a leaf', () => {
    const event = withDetail({ state: ['initializing', 'running'], 'c-count': { c1: 100 } });

    expect(matchesEventPattern(absent, event)).toBe(true);
    expect(matchesEventPattern(present, event)).toBe(false);
  });

  it('exists:true matches a present leaf, null included', () => {
    expect(matchesEventPattern(present, withDetail({ 'c-count': 3 }))).toBe(true);
    expect(matchesEventPattern(present, withDetail({ 'c-count': null }))).toBe(true);
    expect(matchesEventPattern(absent, withDetail({ 'c-count': 3 }))).toBe(false);
  });

  it('exists:true does not match a missing field nor an empty array', () => {
    expect(matchesEventPattern(present, withDetail({}))).toBe(false);
    expect(
      matchesEventPattern({ resources: [{ exists: true }] }, envelope({ resources: [] })),
    ).toBe(false);
  });

  it('exists:false matches when the parent object is missing altogether', () => {
    const pattern = { detail: { homemade: { S: [{ exists: false }] } } };

    expect(matchesEventPattern(pattern, withDetail({ purchased: { N: '789' } }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ homemade: { S: 'roses' } }))).toBe(false);
  });

  it('matches exists:false OR anything-but in one match array when the parent is missing', () => {
    const pattern = {
      detail: { homemade: { S: [{ 'anything-but': ['roses'] }, { exists: false }] } },
    };

    expect(matchesEventPattern(pattern, withDetail({ purchased: { N: '789' } }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ homemade: { S: 'roses' } }))).toBe(false);
  });

  it('exists:false matches below an empty array, which holds no field', () => {
    const pattern = { detail: { items: { id: [{ exists: false }] } } };

    expect(matchesEventPattern(pattern, withDetail({ items: [] }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ items: [{ id: 1 }] }))).toBe(false);
  });

  it('exists:true matches when one element of an array of objects has the field', () => {
    const event = withDetail({
      automations: [{ key1: 'value1' }, { id: 'match-does-exist' }, { key2: 'value2' }],
    });

    expect(
      matchesEventPattern({ detail: { automations: { id: [{ exists: true }] } } }, event),
    ).toBe(true);
  });

  it('does not match a deep leaf that exists when the pattern says exists:false', () => {
    const pattern = { detail: { level1: { level2: { level3: { level4: [{ exists: false }] } } } } };
    const event = withDetail({ level1: { level2: { level3: { level4: 'l4 value' } } } });

    expect(matchesEventPattern(pattern, event)).toBe(false);
  });
});

// "Comparison operators for use in event patterns in Amazon EventBridge": Wildcard.
describe('wildcard', () => {
  const pattern = { detail: { FileName: [{ wildcard: 'dir/*.png' }] } };

  it('matches any .png file under dir/', () => {
    expect(matchesEventPattern(pattern, withDetail({ FileName: 'dir/a.png' }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ FileName: 'dir/sub/b.png' }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ FileName: 'dir/.png' }))).toBe(true);
  });

  it('does not match another folder or extension', () => {
    expect(matchesEventPattern(pattern, withDetail({ FileName: 'other/a.png' }))).toBe(false);
    expect(matchesEventPattern(pattern, withDetail({ FileName: 'dir/a.jpg' }))).toBe(false);
  });

  it('matches a repeated path segment after a wildcard', () => {
    const repeated = {
      detail: { FileName: [{ wildcard: '/Users/*/dir/dir/dir/dir/dir/doc.txt' }] },
    };
    const event = withDetail({ FileName: '/Users/ls_user/dir/dir/dir/dir/dir/doc.txt' });

    expect(matchesEventPattern(repeated, event)).toBe(true);
  });

  it('treats an escaped star as a literal star', () => {
    const literal = { detail: { name: [{ wildcard: 'a\\*b' }] } };

    expect(matchesEventPattern(literal, withDetail({ name: 'a*b' }))).toBe(true);
    expect(matchesEventPattern(literal, withDetail({ name: 'axb' }))).toBe(false);
  });

  it('does not match a non-string value', () => {
    expect(matchesEventPattern({ detail: { n: [{ wildcard: '*' }] } }, withDetail({ n: 1 }))).toBe(
      false,
    );
  });
});

// "Content filtering in Amazon EventBridge event patterns": IP address matching.
describe('cidr', () => {
  const ipv4 = { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } };
  const ipv6 = { detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } };

  it('matches an IPv4 address inside 10.0.0.0/24', () => {
    expect(matchesEventPattern(ipv4, withDetail({ sourceIPAddress: '10.0.0.255' }))).toBe(true);
  });

  it('does not match an IPv4 address outside it', () => {
    expect(matchesEventPattern(ipv4, withDetail({ sourceIPAddress: '10.0.1.0' }))).toBe(false);
  });

  it('matches an IPv6 address inside 2001:db8::/32', () => {
    expect(matchesEventPattern(ipv6, withDetail({ sourceIPAddress: '2001:db8:1234::1' }))).toBe(
      true,
    );
  });

  it('does not match an IPv6 address outside it, nor an IPv4 one', () => {
    expect(matchesEventPattern(ipv6, withDetail({ sourceIPAddress: '2001:db9::1' }))).toBe(false);
    expect(matchesEventPattern(ipv6, withDetail({ sourceIPAddress: '10.0.0.1' }))).toBe(false);
  });

  it('does not match values that are not IP addresses', () => {
    for (const value of ['not-an-ip', '10.0.0', 123, null]) {
      expect(matchesEventPattern(ipv4, withDetail({ sourceIPAddress: value }))).toBe(false);
    }
  });
});

// "Comparison operators for use in event patterns in Amazon EventBridge": Or (multiple fields).
describe('$or', () => {
  it('matches either branch at the top level', () => {
    const pattern = { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] };

    expect(matchesEventPattern(pattern, envelope({ Location: 'New York' }))).toBe(true);
    expect(matchesEventPattern(pattern, envelope({ Day: 'Monday' }))).toBe(true);
    expect(matchesEventPattern(pattern, envelope({ Location: 'Paris', Day: 'Sunday' }))).toBe(
      false,
    );
  });

  it('ANDs the $or with the other fields at the same level', () => {
    const pattern = {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        { namespace: ['AWS/EC2', 'AWS/ES'] },
      ],
    };
    const event = envelope({ source: 'aws.cloudwatch', namespace: 'AWS/ES' });

    expect(matchesEventPattern(pattern, event)).toBe(true);
    expect(matchesEventPattern(pattern, { ...event, source: 'aws.ec2' })).toBe(false);
  });

  it('matches inside detail, as in the numeric $or example', () => {
    const pattern = {
      detail: {
        $or: [
          { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
          { 'd-count': [{ numeric: ['<', 10] }] },
          { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
        ],
      },
    };

    expect(matchesEventPattern(pattern, withDetail({ 'x-limit': 301.8 }))).toBe(true);
    expect(matchesEventPattern(pattern, withDetail({ 'c-count': 9, 'd-count': 12 }))).toBe(false);
  });

  it('supports an AND inside a branch and a nested $or', () => {
    const pattern = {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization'] },
        {
          metricType: ['MetricType'],
          namespace: ['AWS/EC2'],
          $or: [{ metricId: [1234] }, { spaceId: [1000] }],
        },
      ],
    };
    const base = envelope({
      source: 'aws.cloudwatch',
      metricType: 'MetricType',
      namespace: 'AWS/EC2',
    });

    expect(matchesEventPattern(pattern, { ...base, spaceId: 1000 })).toBe(true);
    expect(matchesEventPattern(pattern, { ...base, spaceId: 1 })).toBe(false);
  });
});

// "Content filtering in Amazon EventBridge event patterns": Complex example with multiple matching.
describe('combined patterns', () => {
  const pattern = {
    source: ['com.ledger.payments'],
    'detail-type': [{ prefix: 'Payment ' }],
    time: [{ prefix: '2017-10-02' }],
    detail: {
      state: [{ 'anything-but': 'initializing' }],
      'c-count': [{ numeric: ['>', 0, '<=', 5] }],
      'x-limit': [{ 'anything-but': [100, 200, 300] }],
      $or: [
        { 'source-ip': [{ cidr: '10.0.0.0/8' }] },
        { gateway: { name: [{ 'equals-ignore-case': 'sandbox' }] } },
      ],
    },
  };
  const event = envelope({
    source: 'com.ledger.payments',
    'detail-type': 'Payment Captured',
    time: '2017-10-02T16:24:49Z',
    detail: { state: 'running', 'c-count': 5, 'x-limit': 301.8, 'source-ip': '10.0.0.33' },
  });

  it('matches when every field and one $or branch match', () => {
    expect(matchesEventPattern(pattern, event)).toBe(true);
  });

  it('matches through the other $or branch', () => {
    const viaGateway = withDetailOf(event, {
      'source-ip': '192.168.0.1',
      gateway: { name: 'SANDBOX' },
    });

    expect(matchesEventPattern(pattern, viaGateway)).toBe(true);
  });

  it('does not match when no $or branch matches', () => {
    expect(matchesEventPattern(pattern, withDetailOf(event, { 'source-ip': '192.168.0.1' }))).toBe(
      false,
    );
  });

  it('does not match when a sibling field fails', () => {
    expect(matchesEventPattern(pattern, withDetailOf(event, { state: 'initializing' }))).toBe(
      false,
    );
    expect(matchesEventPattern(pattern, { ...event, 'detail-type': 'Refund Issued' })).toBe(false);
  });

  it('answers the same for a pattern given as JSON text', () => {
    const compiled = parseEventPattern(JSON.stringify(pattern));

    expect(compiled.matches(event)).toBe(true);
    expect(compiled.matches(withDetailOf(event, { 'c-count': 6 }))).toBe(false);
  });
});

// Not from the docs: hostile events must neither break matching nor reach prototypes.
describe('hostile events', () => {
  it('does not read inherited members as fields', () => {
    const pattern = parseEventPattern({ detail: { constructor: [{ exists: true }] } });

    expect(pattern.matches(withDetail({}))).toBe(false);
  });

  it('reads a "__proto__" field that the JSON really contains, and pollutes nothing', () => {
    const compiled = parseEventPattern('{ "detail": { "__proto__": { "polluted": ["yes"] } } }');
    const event = JSON.parse('{ "detail": { "__proto__": { "polluted": "yes" } } }');

    expect(compiled.matches(event)).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('copes with very deeply nested arrays', () => {
    let deep: unknown = 'needle';
    for (let level = 0; level < 100_000; level++) deep = [deep];

    expect(matchesEventPattern({ detail: { x: ['needle'] } }, withDetail({ x: deep }))).toBe(true);
  });

  it('matches nothing for events that are not objects', () => {
    const compiled = parseEventPattern({ source: ['aws.ec2'] });

    for (const event of [null, undefined, 'aws.ec2', 42, []]) {
      expect(compiled.matches(event)).toBe(false);
    }
  });
});

/** A copy of the event with some detail fields replaced. */
function withDetailOf(
  event: Record<string, unknown>,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  return { ...event, detail: { ...(event.detail as Record<string, unknown>), ...changes } };
}
