/**
 * For CLI specs: what the CLI prints to stderr (one entry a line), captured around each test, and
 * `process.exitCode` put back after it.
 */
export function captureCliErrors(): { readonly printed: string[] } {
  const captured = { printed: [] as string[] };
  let exitCodeBefore: typeof process.exitCode;

  beforeEach(() => {
    captured.printed = [];
    exitCodeBefore = process.exitCode;
    jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      captured.printed.push(args.map(String).join(' '));
    });
  });

  afterEach(() => {
    jest.restoreAllMocks();
    process.exitCode = exitCodeBefore;
  });

  return captured;
}
