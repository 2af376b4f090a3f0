import { consumerTracing } from './consumer-template';

describe("the stream consumers' tracing (template.yaml)", () => {
  it('follows the ConsumerTracing parameter, which traces nothing by default', () => {
    const { tracing, parameters } = consumerTracing();

    expect(Object.keys(tracing).sort()).toEqual([
      'charger',
      'correlator',
      'projector',
      'publisher',
    ]);
    for (const mode of Object.values(tracing)) expect(mode).toEqual({ '!Ref': 'ConsumerTracing' });
    expect(parameters.ConsumerTracing?.Default).toBe('PassThrough');
  });
});
