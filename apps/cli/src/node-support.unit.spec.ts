import { quietSdkNodeVersionNotice, SUPPORTED_NODE_MAJORS } from './node-support';

const VARIABLE = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

describe('quietSdkNodeVersionNotice', () => {
  describe.each(['20.19.0', '22.13.1'])('when Node %s runs the CLI', (version) => {
    it("switches the SDK's notice off", () => {
      const env: NodeJS.ProcessEnv = {};

      quietSdkNodeVersionNotice(env, version);

      expect(env[VARIABLE]).toBe('true');
    });
  });

  describe('when the variable is set already', () => {
    it('leaves it as it is', () => {
      const env: NodeJS.ProcessEnv = { [VARIABLE]: 'false' };

      quietSdkNodeVersionNotice(env, '20.19.0');

      expect(env[VARIABLE]).toBe('false');
    });
  });

  describe('when the Node version is not a supported one', () => {
    it('lets the SDK say what it has to say', () => {
      const env: NodeJS.ProcessEnv = {};

      quietSdkNodeVersionNotice(env, '18.20.4');

      expect(env).toEqual({});
    });
  });
});

describe('the ledger CLI and the AWS SDK', () => {
  const saved = process.env[VARIABLE];

  afterEach(() => {
    process.env[VARIABLE] = saved;
    jest.restoreAllMocks();
  });

  it('makes SDK clients without the Node version notice', async () => {
    // Jest's configuration sets the variable for every spec: unset it to see what the CLI does.
    delete process.env[VARIABLE];
    const warnings = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);

    await jest.isolateModulesAsync(async () => {
      await import('./main');
      const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
      new DynamoDBClient({ region: 'eu-west-1' }).destroy();
    });

    expect(warnings.mock.calls.map(([warning]) => String(warning))).not.toContainEqual(
      expect.stringContaining('NodeVersionSupportWarning'),
    );
  });
});

describe('the supported Node versions', () => {
  it('are the majors package.json declares in engines', async () => {
    const { engines } = (await import('../../../package.json')) as { engines: { node: string } };

    const majors = engines.node.split('||').map((range) => Number(/\d+/.exec(range)?.[0]));

    expect(majors).toEqual(SUPPORTED_NODE_MAJORS);
  });
});
